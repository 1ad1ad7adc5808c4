/**
 * A pre-rendering proxy for benchmarks: the first request for a URL is forwarded to the upstream (the
 * simulator) and its status, headers and body are kept in memory; every later request for the same URL is
 * answered from memory. A warm-up run records every page; the timed runs then cost the upstream almost
 * nothing (a buffer written to a socket), as a remote exchange costs the client's machine nothing, so on a
 * small machine the client under test does not share its cores with the simulator's page rendering.
 *
 * Binance aggTrades are also answered by content: a trades download cuts its range into time slices sized
 * from how fast pages come, so a timed run asks for some pages (a slice's first page by time, the next ones
 * by `fromId`) that no earlier run asked for. After {@link ReplayServer.index} every aggTrades row seen so
 * far is kept by id, and a later `aggTrades` request is answered from them when they prove the answer: a
 * `fromId` page when all `limit` ids from it are known; a `startTime`/`endTime` page when the known ids are
 * contiguous from the trade before `startTime` through a full page or a trade after `endTime`. The body is
 * the simulator's own rows joined as it joins them. Anything else is forwarded.
 *
 * Only for loopback benchmarks: it listens on 127.0.0.1 and holds every body it has seen.
 */
import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';

type Page = { status: number; headers: IncomingHttpHeaders; body: Buffer };

/** A running replay server. */
export type ReplayServer = {
  /** Base URL to give the client instead of the upstream's. */
  url: string;
  /** Requests answered from memory. */
  readonly hits: number;
  /** Requests forwarded to the upstream (the warm-up, and any URL a later run asked for the first time). */
  readonly misses: number;
  /** Resets both counters. */
  resetCounts(): void;
  /**
   * Indexes the aggTrades rows recorded so far: later aggTrades requests they answer are served from them
   * (counted as hits). Returns how many rows were indexed.
   */
  index(): number;
  close(): Promise<void>;
};

const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date']);

function fetchUpstream(base: URL, path: string): Promise<Page> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: base.hostname, port: base.port, path, method: 'GET', agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: IncomingHttpHeaders = {};
          for (const [k, v] of Object.entries(res.headers)) if (!HOP.has(k)) headers[k] = v;
          const body = Buffer.concat(chunks);
          headers['content-length'] = String(body.length);
          resolve({ status: res.statusCode ?? 502, headers, body });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** aggTrades rows by id, contiguous runs only (see the module documentation). */
class AggIndex {
  readonly #firstId: number;
  readonly #texts: (string | undefined)[];
  readonly #times: number[];
  readonly #headers: IncomingHttpHeaders;

  constructor(rows: Map<number, { text: string; t: number }>, headers: IncomingHttpHeaders) {
    const ids = [...rows.keys()].sort((a, b) => a - b);
    this.#firstId = ids[0] ?? 0;
    const n = ids.length === 0 ? 0 : (ids.at(-1) as number) - this.#firstId + 1;
    this.#texts = new Array<string | undefined>(n);
    this.#times = new Array<number>(n).fill(Number.NaN);
    for (const id of ids) {
      const row = rows.get(id) as { text: string; t: number };
      this.#texts[id - this.#firstId] = row.text;
      this.#times[id - this.#firstId] = row.t;
    }
    this.#headers = headers;
  }

  /** The page for `query`, or `undefined` when the known rows do not prove it. */
  answer(query: URLSearchParams): Page | undefined {
    const limit = Number(query.get('limit') ?? 500);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return undefined;
    const fromId = query.get('fromId');
    const start = query.get('startTime');
    const end = query.get('endTime');
    let first: number; // index of the first row of the answer
    let endMs = Number.POSITIVE_INFINITY;
    if (fromId !== null && start === null && end === null) {
      first = Number(fromId) - this.#firstId;
      if (!this.#known(first, first + limit - 1)) return undefined;
    } else if (fromId === null && start !== null && end !== null) {
      const s = Number(start);
      endMs = Number(end);
      if (!(s <= endMs)) return undefined;
      first = this.#firstAtOrAfter(s);
      // The row before must be known and earlier, so no unknown trade at or after `startTime` precedes.
      if (first <= 0 || !this.#known(first - 1, first) || (this.#times[first - 1] as number) >= s) {
        return undefined;
      }
    } else return undefined;
    const texts: string[] = [];
    let i = first;
    for (; texts.length < limit; i++) {
      const text = this.#texts[i];
      if (text === undefined) return undefined; // unknown: cannot prove the rest
      if ((this.#times[i] as number) > endMs) break;
      texts.push(text);
    }
    const body = Buffer.from(`[${texts.join(',')}]`);
    return { status: 200, headers: { ...this.#headers, 'content-length': String(body.length) }, body };
  }

  #known(from: number, to: number): boolean {
    if (from < 0 || to >= this.#texts.length) return false;
    for (let i = from; i <= to; i++) if (this.#texts[i] === undefined) return false;
    return true;
  }

  /** Index of the first known row with time ≥ `ms` (times ascend with ids), ignoring holes. */
  #firstAtOrAfter(ms: number): number {
    let lo = 0;
    let hi = this.#times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      let j = mid; // skip holes forward
      while (j < hi && Number.isNaN(this.#times[j] as number)) j++;
      if (j < hi && (this.#times[j] as number) < ms) lo = j + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Rows of a Binance aggTrades body: each row's text, id and time. */
function aggRows(body: Buffer, into: Map<number, { text: string; t: number }>): void {
  const text = body.toString('utf8');
  if (text.length < 3) return;
  for (const row of text.slice(1, -1).split('},{')) {
    const json = `${row.startsWith('{') ? '' : '{'}${row}${row.endsWith('}') ? '' : '}'}`;
    const r = JSON.parse(json) as { a: number; T: number };
    into.set(r.a, { text: json, t: r.T });
  }
}

/** Starts a replay server in front of `upstream` (an `http://127.0.0.1:port` URL). */
export async function startReplayServer(upstream: string): Promise<ReplayServer> {
  const base = new URL(upstream);
  const pages = new Map<string, Promise<Page>>();
  let hits = 0;
  let misses = 0;
  let agg: AggIndex | undefined;
  const settled = new Map<string, Page>();
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    const url = new URL(path, base);
    if (agg && url.pathname === '/api/v3/aggTrades') {
      const answer = agg.answer(url.searchParams);
      if (answer) {
        hits++;
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
        return;
      }
    }
    let page = pages.get(path);
    if (page) hits++;
    else {
      misses++;
      page = fetchUpstream(base, path);
      pages.set(path, page);
      page.then(
        (p) => settled.set(path, p),
        () => undefined,
      );
    }
    page.then(
      (p) => {
        // Only successful pages are kept: a retry after an error must reach the upstream again.
        if (p.status !== 200) pages.delete(path);
        res.writeHead(p.status, p.headers);
        res.end(p.body);
      },
      (error: unknown) => {
        pages.delete(path);
        res.writeHead(502);
        res.end(String(error));
      },
    );
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get hits() {
      return hits;
    },
    get misses() {
      return misses;
    },
    resetCounts() {
      hits = 0;
      misses = 0;
    },
    index() {
      const rows = new Map<number, { text: string; t: number }>();
      let headers: IncomingHttpHeaders | undefined;
      for (const [path, page] of settled) {
        if (!path.startsWith('/api/v3/aggTrades?') || page.status !== 200) continue;
        aggRows(page.body, rows);
        headers ??= page.headers;
      }
      agg = new AggIndex(rows, headers ?? { 'content-type': 'application/json' });
      return rows.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
