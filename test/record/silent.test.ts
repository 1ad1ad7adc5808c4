/**
 * A silent feed: the WebSocket accepts the subscription and answers pings but sends no data (Binance's
 * answer to a wrong stream path). The WebSocket's own idle timeout cannot see it (pongs arrive); the
 * recorder's silence watchdog does: `/healthz` answers 503 naming the stream, the stream is reconnected,
 * and once data flows again `/healthz` is 200 and the metrics count the silent reconnect.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { startSimulator } from '../../src/sim/index.js';
import { startCli, tempDir, waitFor } from '../helpers/cli-run.js';
import { checkTrades } from '../helpers/record-check.js';

const START = 1_767_225_600_000_000_000n;

/** A WebSocket proxy to `upstream` whose first `silent` connections say nothing (pings are still answered). */
async function silentProxy(upstream: string, silent: number) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  let connections = 0;
  wss.on('connection', (client, req) => {
    if (++connections <= silent) return; // subscribed, never a frame
    const up = new WebSocket(`${upstream}${req.url ?? ''}`);
    const pending: (string | Buffer)[] = [];
    up.on('open', () => {
      for (const m of pending.splice(0)) up.send(m);
    });
    up.on('message', (data, binary) => client.readyState === WebSocket.OPEN && client.send(data, { binary }));
    client.on('message', (data, binary) => {
      const m = binary ? (data as Buffer) : data.toString();
      if (up.readyState === WebSocket.OPEN) up.send(m);
      else pending.push(m);
    });
    up.on('close', () => client.terminate());
    client.on('close', () => up.terminate());
    up.on('error', () => client.terminate());
  });
  const port = (wss.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}

describe('record: a silent feed', () => {
  it('is reported by /healthz (503), reconnected, and healthy again once data flows', async () => {
    const dir = await tempDir();
    const archive = join(dir, 'archive');
    const sim = await startSimulator({
      exchange: 'binance',
      rateLimits: 'off',
      clock: { startNs: START, speed: 20 },
      markets: { historyStart: START - 86_400n * 1_000_000_000n },
    });
    const proxy = await silentProxy(sim.wsUrl, 1);
    const child = startCli(
      [
        'record',
        '--archive',
        archive,
        'binance',
        'trades',
        'BTCUSDT',
        '--base-url',
        sim.url,
        '--ws-url',
        proxy.url,
        '--silence',
        '2',
        '--metrics-port',
        '0',
        '--rate-scale',
        '20',
      ],
      { timeoutMs: 60_000 },
    );
    try {
      let base = '';
      await waitFor(() => {
        const m = /metrics at (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(child.stderr);
        if (m) base = m[1]!;
        return m !== null;
      }, 20_000);
      // Silent: after the limit, /healthz is 503 and names the stream.
      let unhealthy: { ok: boolean; streams: { id: string; ok: boolean }[] } | undefined;
      await waitFor(async () => {
        const r = await fetch(`${base}/healthz`);
        if (r.status !== 503) return false;
        unhealthy = (await r.json()) as typeof unhealthy;
        return true;
      }, 15_000);
      expect(unhealthy?.ok).toBe(false);
      expect(unhealthy?.streams).toContainEqual(
        expect.objectContaining({ id: 'binance/trades/BTCUSDT', ok: false }),
      );
      // Detected and reconnected: the second connection carries data, and health comes back.
      await waitFor(
        () => child.stderr.includes('binance trades *: no data for 2000 ms; reconnecting'),
        10_000,
      );
      await waitFor(async () => (await fetch(`${base}/healthz`)).status === 200, 15_000);
      expect(proxy.connections).toBeGreaterThanOrEqual(2);
      // Health follows the messages; the first rows are written once the hole before them is refilled
      // over REST (gaps_found 1), which may take a moment longer on a busy machine.
      const written =
        /tickwire_record_records_written_total\{exchange="binance",kind="trades",symbol="BTCUSDT"\} [1-9]\d*/;
      let metrics = '';
      await waitFor(async () => {
        metrics = await (await fetch(`${base}/metrics`)).text();
        return written.test(metrics);
      }, 15_000);
      expect(metrics).toMatch(
        /tickwire_record_reconnects_total\{exchange="binance",kind="trades",symbol="\*",cause="silent"\} [1-9]/,
      );
      expect(metrics).toMatch(written);
      expect(metrics).toMatch(/tickwire_record_stream_up\{exchange="binance",kind="trades",symbol="\*"\} 1/);
      child.child.kill('SIGTERM');
      const res = await child.done;
      expect(res.code, res.stderr).toBe(0);
      // Nothing was lost to the silence: the trades recorded are the truth, over one coverage.
      const t = await checkTrades(archive, 'binance', 'BTCUSDT', sim.truth);
      expect(t.problems).toEqual([]);
      expect(t.days.flatMap((d) => d.covered).length).toBe(1);
    } finally {
      child.child.kill('SIGKILL');
      await proxy.close();
      await sim.close();
    }
  }, 60_000);
});
