/**
 * A pre-rendering proxy for benchmarks: the first request for a URL is forwarded to the upstream (the
 * simulator) and its status, headers and body are kept in memory; every later request for the same URL is
 * answered from memory. A warm-up run records every page; the timed runs then cost the upstream almost
 * nothing (a buffer written to a socket), as a remote exchange costs the client's machine nothing, so on a
 * small machine the client under test does not share its cores with the simulator's page rendering.
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

/** Starts a replay server in front of `upstream` (an `http://127.0.0.1:port` URL). */
export async function startReplayServer(upstream: string): Promise<ReplayServer> {
  const base = new URL(upstream);
  const pages = new Map<string, Promise<Page>>();
  let hits = 0;
  let misses = 0;
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    let page = pages.get(path);
    if (page) hits++;
    else {
      misses++;
      page = fetchUpstream(base, path);
      pages.set(path, page);
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
