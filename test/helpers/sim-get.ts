/** Test helper for the simulator tests: one GET, returning status, headers and parsed JSON (or text). */
export type SimGot = { status: number; headers: Headers; body: unknown; text: string };

export async function simGet(url: string, init?: RequestInit): Promise<SimGot> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}
