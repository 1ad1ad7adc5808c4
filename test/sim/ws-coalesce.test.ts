import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ValidationError } from '../../src/core/errors.js';
import { startSimulator } from '../../src/sim/index.js';
import type { SimWsChildArgs } from '../helpers/sim-ws-child.js';

/** The simulator in its own process, so that its writes and our reads race as across a network. */
async function simChild(args: SimWsChildArgs): Promise<{ wsUrl: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/helpers/sim-ws-child.ts', JSON.stringify(args)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let buf = '';
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    buf += chunk.toString();
    if (buf.includes('\n')) break;
  }
  const { wsUrl } = JSON.parse(buf) as { wsUrl: string };
  return { wsUrl, child };
}

/**
 * Coinbase matches for `ms`, counted from `skipMs` after the first one (the backlog of the first
 * emissions is skipped): their trade ids and the socket reads they came in.
 */
async function readMatches(wsUrl: string, ms: number, skipMs = 0): Promise<{ ids: number[]; reads: number }> {
  const ws = new WebSocket(`${wsUrl}/`, { perMessageDeflate: false });
  let reads = 0;
  ws.on('upgrade', (res) => (res.socket as Socket).on('data', () => reads++));
  ws.on('open', () =>
    ws.send(JSON.stringify({ type: 'subscribe', product_ids: ['BTC-USD'], channels: ['matches'] })),
  );
  let ids: number[] = [];
  let r0 = 0;
  let first = true;
  await new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { type: string; trade_id: number };
      if (m.type !== 'match') return;
      if (first) {
        first = false;
        r0 = reads - 1;
        setTimeout(() => {
          ids = ids.slice(-1);
          r0 = reads - 1;
          setTimeout(resolve, ms);
        }, skipMs);
      }
      ids.push(m.trade_id);
    });
  });
  ws.terminate();
  return { ids, reads: reads - r0 };
}

describe('simulator ws.coalesce: one TCP write per emission', () => {
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child?.exitCode === null) {
      child.stdin?.end();
      await once(child, 'exit');
    }
    child = undefined;
  });

  it("delivers each emission's frames in one read, every match once and in order", async () => {
    // ~150 matches per 50 ms emission at 200x: one write each (under the 256-message cap).
    const c = await simChild({ exchange: 'coinbase', speed: 200, batchMs: 50, coalesce: true });
    child = c.child;
    const t0 = performance.now();
    const { ids, reads } = await readMatches(c.wsUrl, 1500);
    const emissions = (performance.now() - t0) / 50;
    expect(ids.length).toBeGreaterThan(500);
    for (let i = 1; i < ids.length; i++) expect(ids[i]).toBe((ids[i - 1] as number) + 1);
    // At most one read per emission (plus a few for timer drift), so many matches per read.
    expect(reads).toBeLessThanOrEqual(Math.ceil(emissions) + 5);
    expect(ids.length / reads).toBeGreaterThan(20);
  }, 30_000);

  it('splits a large emission into several writes that drain at full speed', async () => {
    // ~2,600 matches per 20 ms emission at 9000x: one write of them all would drain at ~500 per second.
    const c = await simChild({ exchange: 'coinbase', speed: 9000, batchMs: 20, coalesce: true });
    child = c.child;
    const { ids, reads } = await readMatches(c.wsUrl, 2000, 1500);
    expect(ids.length).toBeGreaterThan(10_000);
    for (let i = 1; i < ids.length; i++) expect(ids[i]).toBe((ids[i - 1] as number) + 1);
    expect(ids.length / reads).toBeGreaterThan(20);
  }, 30_000);

  it('rejects a coalesce that is not a boolean, naming the option', async () => {
    const start = () =>
      startSimulator({ exchange: 'coinbase', ws: { coalesce: 'yes' as unknown as boolean } });
    await expect(start()).rejects.toThrow(ValidationError);
    await expect(start()).rejects.toThrow(/options\.ws\.coalesce/);
  });
});
