/**
 * `tickwire record` of the live-only derivatives kinds (`mark`, `liquidations`) of Binance USDⓈ-M against
 * the simulator: every mark row is the simulator's mark state at its time, with its receive time; every
 * liquidation row is a true liquidation (Binance sends a sample); `archive verify` passes.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { partitionDir } from '../../src/archive/layout.js';
import type { Liquidation, MarkPrice } from '../../src/core/records.js';
import { startSimulator } from '../../src/sim/index.js';
import { readParquetRecords } from '../../src/sinks/parquet-read.js';
import { runCliProcess, startCli, tempDir, waitFor } from '../helpers/cli-run.js';
import { seriesDays } from '../helpers/record-check.js';

const START = 1_767_225_600_000_000_000n;

describe('record: mark and liquidations', () => {
  it('records binance-usdm mark prices and liquidations with exchange and receive time, equal to the truth', async () => {
    const dir = await tempDir();
    const archive = join(dir, 'archive');
    const sim = await startSimulator({
      exchange: 'binance-usdm',
      rateLimits: 'off',
      clock: { startNs: START, speed: 60 },
      markets: { historyStart: START - 86_400n * 1_000_000_000n },
    });
    const child = startCli(
      [
        'record',
        '--archive',
        archive,
        'binance-usdm',
        'mark,liquidations',
        'BTCUSDT',
        '--rotate',
        '1m',
        '--base-url',
        sim.url,
        '--ws-url',
        sim.wsUrl,
      ],
      { timeoutMs: 40_000 },
    );
    try {
      await waitFor(
        () => (child.stderr.match(/binance-usdm mark BTCUSDT 2026-01-01: part-/g) ?? []).length >= 6,
        30_000,
      );
      child.child.kill('SIGTERM');
      const res = await child.done;
      expect(res.code, res.stderr).toBe(0);
      const verify = await runCliProcess(['archive', 'verify', archive], { timeoutMs: 30_000 });
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);

      const read = async <T>(kind: 'mark' | 'liquidations') => {
        const rows: T[] = [];
        for (const r of await seriesDays(archive, 'binance-usdm', kind as 'trades', 'BTCUSDT')) {
          expect(r.gaps).toEqual([]);
          for (const f of r.files) {
            for await (const x of readParquetRecords(join(partitionDir(archive, r), f.name), kind))
              rows.push(x as T);
          }
        }
        return rows;
      };
      const marks = await read<MarkPrice>('mark');
      expect(marks.length).toBeGreaterThan(60);
      for (const m of marks) {
        const t = sim.truth.derivatives.mark('BTCUSDT', m.tsNs);
        expect({ ...m, recvNs: undefined }).toEqual({ ...t, recvNs: undefined });
        expect(typeof m.recvNs).toBe('bigint');
      }
      const liqs = await read<Liquidation>('liquidations');
      const first = marks[0]!.tsNs - 60_000_000_000n;
      const truth = new Set(
        sim.truth.derivatives
          .liquidations('BTCUSDT', first, marks.at(-1)!.tsNs + 60_000_000_000n)
          .map((l) => `${l.tsNs}/${l.side}/${l.price}/${l.amount}`),
      );
      expect(liqs.length).toBeGreaterThan(0);
      for (const l of liqs) {
        expect(truth.has(`${l.tsNs}/${l.side}/${l.price}/${l.amount}`)).toBe(true);
        expect(l.sampled).toBe(true);
      }
    } finally {
      child.child.kill('SIGKILL');
      await sim.close();
    }
  }, 60_000);
});
