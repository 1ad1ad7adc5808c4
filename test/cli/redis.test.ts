import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIsoNs } from '../../src/core/time.js';
import { expectedFile, readText, runCliProcess, tempDir, truthOf } from '../helpers/cli-run.js';
import { RedisTestServer } from '../helpers/redis-server.js';

let redis: RedisTestServer;
beforeAll(async () => {
  redis = await RedisTestServer.start();
});
afterAll(() => redis.stop());

describe('--redis', () => {
  it('downloads through a RedisRateLimiter holding the exchange’s buckets in that Redis', async () => {
    const dir = await tempDir();
    const out = join(dir, 'eth.csv');
    const from = '2025-12-31T23:30';
    const to = '2025-12-31T23:45';
    const r = await runCliProcess([
      'trades',
      'coinbase',
      'ETH-USD',
      '--from',
      from,
      '--to',
      to,
      '--sim',
      '--redis',
      redis.url,
      '--out',
      out,
    ]);
    expect(r.stderr).not.toMatch(/warning/);
    expect(r.code).toBe(0);
    const truth = await truthOf('coinbase');
    expect(await readText(out)).toBe(
      expectedFile('trades', 'csv', truth.trades('ETH-USD', parseIsoNs(from), parseIsoNs(to))),
    );
    const client = new Redis(redis.url);
    try {
      expect(await client.keys('tickwire:rl:coinbase:*')).toContain('tickwire:rl:coinbase:public');
    } finally {
      client.disconnect();
    }
  });
});
