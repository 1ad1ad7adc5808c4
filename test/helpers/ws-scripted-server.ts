/**
 * A real `ws` server on 127.0.0.1, port 0, scripted per connection, for the WebSocket base's tests.
 * It records what each client sent and how each connection closed, can stop listening (so connects
 * are refused) and listen again on the same port.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** One accepted connection, as the server sees it. */
export type ServerConnection = {
  readonly ws: WebSocket;
  /** 0-based order of acceptance. */
  readonly index: number;
  /** Text frames received from the client. */
  readonly received: string[];
  /** Resolves with the close code and reason once the connection is closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
};

/** Options of {@link startScriptedServer}. */
export type ScriptedServerOptions = {
  /** Answer client pings (ws' default). False simulates a peer that went silent. */
  autoPong?: boolean;
  /** Runs for each accepted connection. */
  onConnection?: (conn: ServerConnection) => void;
};

/** The handle of a running scripted server. */
export type ScriptedServer = {
  readonly port: number;
  readonly url: string;
  readonly connections: ServerConnection[];
  /** Resolves with connection number `index` (0-based) once it is accepted. */
  connection(index: number): Promise<ServerConnection>;
  /** Closes the listening socket and terminates every open connection: connects are now refused. */
  stopListening(): Promise<void>;
  /** Listens again on the same port. */
  listen(): Promise<void>;
  /** Shuts everything down. */
  close(): Promise<void>;
};

/** Starts a scripted server on 127.0.0.1, port 0. */
export async function startScriptedServer(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const connections: ServerConnection[] = [];
  const waiters = new Map<number, ((c: ServerConnection) => void)[]>();
  const wss = new WebSocketServer({ noServer: true, autoPong: options.autoPong ?? true });
  let http: Server | undefined;
  let port = 0;

  wss.on('connection', (ws) => {
    const received: string[] = [];
    ws.on('message', (data, isBinary) => {
      if (!isBinary) received.push(data.toString());
    });
    const closed = once(ws, 'close').then(([code, reason]) => ({
      code: code as number,
      reason: String(reason),
    }));
    const conn: ServerConnection = { ws, index: connections.length, received, closed };
    connections.push(conn);
    options.onConnection?.(conn);
    for (const w of waiters.get(conn.index) ?? []) w(conn);
    waiters.delete(conn.index);
  });

  const listen = async (): Promise<void> => {
    const server = createServer((_req, res) => res.writeHead(426).end());
    server.on('upgrade', (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
    http = server;
  };

  const stopListening = async (): Promise<void> => {
    const server = http;
    http = undefined;
    for (const c of wss.clients) c.terminate();
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  await listen();
  return {
    get port() {
      return port;
    },
    get url() {
      return `ws://127.0.0.1:${port}/`;
    },
    connections,
    connection(index) {
      const found = connections[index];
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => {
        const list = waiters.get(index) ?? [];
        list.push(resolve);
        waiters.set(index, list);
      });
    },
    stopListening,
    listen,
    async close() {
      await stopListening();
      wss.close();
    },
  };
}
