/**
 * A loopback HTTP server (127.0.0.1, port 0) that answers each request with the next handler of a
 * script, records what it received, and counts TCP connections (to check keep-alive reuse).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One scripted answer. */
export type ScriptedHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A running scripted server. */
export type ScriptedServer = {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Requests received, in order (path with query, headers). */
  readonly requests: { url: string; headers: IncomingMessage['headers']; at: number }[];
  /** TCP connections accepted so far. */
  readonly connections: () => number;
  close(): Promise<void>;
};

/** Replies with `status` and a JSON body. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): ScriptedHandler {
  return (_req, res) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };
}

/** Replies with `status` and a raw body (content-length set to its real length). */
export function raw(status: number, body: string, headers: Record<string, string> = {}): ScriptedHandler {
  return (_req, res) => {
    res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };
}

/**
 * Starts a server. Request i gets `script[i]`; once the script is exhausted, `fallback` (by default
 * the last handler of the script) answers.
 */
export async function startScriptedServer(
  script: ScriptedHandler[],
  fallback?: ScriptedHandler,
): Promise<ScriptedServer> {
  const requests: ScriptedServer['requests'] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const index = requests.length;
    requests.push({ url: req.url ?? '', headers: req.headers, at: performance.now() });
    const handler = script[index] ?? fallback ?? script[script.length - 1];
    if (handler === undefined) {
      res.writeHead(500).end();
      return;
    }
    handler(req, res);
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
