/**
 * Recognising a ban in what a unit could not download: Binance answers 418 once an IP kept going past a
 * 429, and 403 when its web application firewall blocks the IP. Both name the IP, not the request, so the
 * worker pauses its whole limit scope (every worker on that egress IP) rather than only retrying. Pure.
 *
 * @module
 */

/** A ban found in a failure's reason. */
export type Ban = { status: 403 | 418; reason: string };

/** The first ban among `reasons` (messages of the errors that stopped a download), if any. */
export function banIn(reasons: readonly string[]): Ban | undefined {
  for (const reason of reasons) {
    const m = /\bHTTP (403|418)\b/.exec(reason);
    if (m) return { status: Number(m[1]) as 403 | 418, reason };
  }
  return undefined;
}
