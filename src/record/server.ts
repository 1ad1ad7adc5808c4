/**
 * The operations endpoint: `GET /metrics` (Prometheus text from the recorder's registry) and
 * `GET /healthz` (200 when every stream delivers data within its limit, else 503; a JSON body lists the
 * streams either way). Listens on loopback unless told otherwise.
 *
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthBoard } from './health.js';
import type { RecorderMetrics } from './metrics.js';

/** A running endpoint. */
export type OpsServer = {
  /** `http://host:port`. */
  readonly url: string;
  /** The port (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
};

/** Starts the endpoint on `port` (0: a free one) and `host`. */
export async function startOpsServer(
  metrics: RecorderMetrics,
  health: HealthBoard,
  port: number,
  host = '127.0.0.1',
): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (error: unknown) => res.writeHead(500).end(String((error as Error).message)),
      );
      return;
    }
    if (path === '/healthz') {
      const report = health.report();
      res
        .writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json' })
        .end(`${JSON.stringify(report)}\n`);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('try /metrics or /healthz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${host}:${addr.port}`,
    port: addr.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
