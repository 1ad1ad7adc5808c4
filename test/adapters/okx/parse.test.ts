/** OKX parsers, error classification and the book rules on recorded payloads (docs examples). */
import { describe, expect, it } from 'vitest';
import type { LiveBookMessage } from '../../../src/adapters/live.js';
import { OkxBookSync, okxBookChecksum } from '../../../src/adapters/okx/book.js';
import { parseDecimal, scaled } from '../../../src/adapters/okx/decimal.js';
import { inspectOkx, mapOkxError } from '../../../src/adapters/okx/errors.js';
import {
  okxEnvelope,
  parseOkxCandles,
  parseOkxFunding,
  parseOkxOpenInterest,
  parseOkxTrades,
} from '../../../src/adapters/okx/parse.js';
import { parseOkxInstruments } from '../../../src/adapters/okx/symbols.js';
import { oldestInWindow } from '../../../src/adapters/okx/window.js';
import { parseOkxWsFrame } from '../../../src/adapters/okx/ws-parse.js';
import { HTTPError } from '../../../src/core/errors.js';
import { fixture } from '../../helpers/adapters-fixtures.js';
import { crc32Bitwise } from '../../helpers/simws-book.js';

const CT = parseDecimal('0.01', 'ctVal');
const data = (name: string) => okxEnvelope(fixture('okx', name)).data;

describe('okx REST parsers', () => {
  it('converts contracts to base units exactly (0.57 × 0.01 is 0.0057, not 0.005699999999999999)', () => {
    expect(0.57 * 0.01).not.toBe(0.0057);
    expect(scaled('0.57', CT, 'sz')).toBe(0.0057);
    expect(scaled('1.13', parseDecimal('0.1', 'ctVal'), 'sz')).toBe(0.113);
    expect(scaled('37', CT, 'sz')).toBe(0.37);
    expect(scaled('12.5', undefined, 'sz')).toBe(12.5);
    expect(() => scaled('1e5', CT, 'sz')).toThrow(expect.objectContaining({ code: 'ERR_PROTOCOL' }));
  });

  it('candles: newest first, the forming bar flagged, swap volume in base units', () => {
    const c = parseOkxCandles(data('candles'), CT);
    expect(c.map((x) => x.confirmed)).toEqual([false, true]);
    expect(c[1]!.bar).toEqual({
      tsNs: 1_597_026_383_025_000_000n,
      open: 3.731,
      high: 3.799,
      low: 3.494,
      close: 3.72,
      volume: 249_124.03,
    });
  });

  it('trades, funding (realizedRate) and rubik open interest', () => {
    const t = parseOkxTrades(data('history-trades'), CT);
    expect(t.map((x) => [x.id, x.tradeId, x.amount, x.side])).toEqual([
      ['242720720', 242_720_720, 0.37, 'sell'],
      ['242720719', 242_720_719, 0.0037, 'buy'],
    ]);
    expect(t[0]!.tsNs).toBe(1_654_161_646_974_000_000n);
    expect(parseOkxFunding(data('funding'))).toEqual([
      { tsNs: 1_703_059_200_000_000_000n, rate: 0.0000746572360545 },
    ]);
    expect(parseOkxOpenInterest(data('open-interest'), CT)).toEqual([
      { tsNs: 1_701_417_600_000_000_000n, amount: 7313.77575, value: 8_888_888 },
    ]);
  });

  it('instruments: linear swaps with their contract size, inverse left out, spot as is', () => {
    const m = parseOkxInstruments(data('instruments'));
    expect(m.map((x) => [x.id, x.symbol, x.type, x.contractSize, x.indexId, x.active])).toEqual([
      ['BTC-USDT-SWAP', 'BTC/USDT:USDT', 'perpetual', 0.01, 'BTC-USDT', true],
      ['ETH-USDT', 'ETH/USDT', 'spot', undefined, 'ETH-USDT', false],
    ]);
  });
});

describe('okx errors', () => {
  const response = (status: number, body: unknown) => ({
    status,
    headers: {},
    body,
    url: 'https://www.okx.com/x',
  });

  it('50011 is a throttle on HTTP 429 and on HTTP 200: retried with the exchange paused', () => {
    expect(inspectOkx(response(429, fixture('okx', 'error-throttle')))).toMatchObject({
      kind: 'retry',
      rateLimited: true,
    });
    expect(inspectOkx(response(200, { code: '50011', msg: 'Rate limit reached.', data: [] }))).toMatchObject({
      kind: 'retry',
      rateLimited: true,
    });
    expect(inspectOkx(response(503, { code: '50001', msg: 'busy', data: [] }))).toMatchObject({
      kind: 'retry',
      rateLimited: false,
    });
    expect(inspectOkx(response(200, { code: '0', msg: '', data: [] }))).toBeUndefined();
  });

  it('a code on HTTP 200 fails at once and maps to a typed error', () => {
    const v = inspectOkx(response(200, { code: '51001', msg: "Instrument ID doesn't exist.", data: [] }));
    expect(v?.kind).toBe('fail');
    const err = v?.kind === 'fail' ? v.error : undefined;
    expect(mapOkxError(err, { symbol: 'FOO-BAR' })).toMatchObject({
      code: 'ERR_UNKNOWN_SYMBOL',
      symbol: 'FOO-BAR',
    });
    const bar = new HTTPError(
      400,
      'u',
      JSON.stringify({ code: '51000', msg: 'Parameter bar error', data: [] }),
    );
    expect(mapOkxError(bar, { span: 7, spans: [60] })).toMatchObject({
      code: 'ERR_UNSUPPORTED_SPAN',
      span: 7,
    });
    const other = new HTTPError(
      400,
      'u',
      JSON.stringify({ code: '50014', msg: 'Parameter instId can not be empty.' }),
    );
    expect(mapOkxError(other)).toMatchObject({ code: 'ERR_EXCHANGE', exchangeCode: '50014' });
  });
});

describe('okx windows of newest-first endpoints', () => {
  it('returns the oldest `limit` of a window ascending, walking back without holding more than two pages', async () => {
    // 250 events one hour apart, served newest first, 100 a page, `after`/`before` exclusive.
    const H = 3_600_000;
    const all = Array.from({ length: 250 }, (_, i) => ({ tsNs: BigInt(i * H) * 1_000_000n }));
    const calls: [number, number][] = [];
    const fetch = async (after: number, before: number, limit: number) => {
      calls.push([after, before]);
      return all
        .filter((r) => Number(r.tsNs / 1_000_000n) < after && Number(r.tsNs / 1_000_000n) > before)
        .reverse()
        .slice(0, limit);
    };
    const got = await oldestInWindow(fetch, 0n, BigInt(249 * H) * 1_000_000n, 100);
    expect(got).toEqual(all.slice(0, 100));
    expect(calls.length).toBe(3);
    // With a fixed spacing one narrowed request suffices.
    calls.length = 0;
    expect(await oldestInWindow(fetch, 0n, BigInt(249 * H) * 1_000_000n, 100, H)).toEqual(all.slice(0, 100));
    expect(calls).toEqual([[100 * H, -1]]);
  });
});

describe('okx WebSocket frames and the book rules', () => {
  const frames = fixture('okx', 'ws-frames') as Record<string, string>;
  const contracts = new Map([['BTC-USDT-SWAP', CT]]);

  it('parses trades-all, mark/funding parts, liquidations (position side) and notices', () => {
    expect(parseOkxWsFrame(frames.subscribeAck!, contracts)).toEqual([]);
    expect(parseOkxWsFrame('pong', contracts)).toEqual([]);
    expect(parseOkxWsFrame(frames.error!, contracts)[0]).toMatchObject({ kind: 'error' });
    expect(parseOkxWsFrame(frames.notice!, contracts)).toEqual([
      expect.objectContaining({ kind: 'notice', code: '64008' }),
    ]);
    expect(parseOkxWsFrame(frames.tradesAll!, contracts)).toEqual([
      {
        kind: 'trade',
        market: 'BTC-USDT-SWAP',
        seq: 130_639_474,
        trade: {
          id: '130639474',
          tsNs: 1_630_048_897_897_000_000n,
          price: 42_219.9,
          amount: 0.0037,
          side: 'buy',
        },
      },
    ]);
    expect(parseOkxWsFrame(frames.fundingRate!, contracts)[0]).toMatchObject({
      kind: 'mark-part',
      fundingRate: 0.0001875391284828,
      nextFundingNs: 1_700_726_400_000_000_000n,
    });
    const liq = parseOkxWsFrame(frames.liquidation!, contracts);
    expect(
      liq.map((l) => (l.kind === 'liquidation' ? [l.liquidation.side, l.liquidation.amount] : [])),
    ).toEqual([
      ['short', 0.13],
      ['long', 0.02],
    ]);
  });

  it('books: checksum 0 is absent, non-zero kept; the documented checksum string', () => {
    const [snap] = parseOkxWsFrame(frames.bookSnapshot!, contracts) as LiveBookMessage[];
    expect(snap).toMatchObject({ kind: 'book-snapshot', lastId: 123_456, prevId: -1 });
    expect(snap!.checksum).toBeUndefined();
    const [upd] = parseOkxWsFrame(frames.bookUpdate!, contracts) as LiveBookMessage[];
    expect(upd).toMatchObject({
      kind: 'book-update',
      checksum: -855_196_043,
      prevId: 123_456,
      lastId: 123_457,
    });
    // The docs' example: bids 3366.1/7, asks 3366.8/9, 3368/8, 3372/8.
    const lv = (p: string, q: string) => ({ price: Number(p), amount: Number(q), priceText: p, qtyText: q });
    const ck = okxBookChecksum([lv('3366.1', '7')], [lv('3366.8', '9'), lv('3368', '8'), lv('3372', '8')]);
    expect(ck).toBe(crc32Bitwise('3366.1:7:3366.8:9:3368:8:3372:8') | 0);
  });

  it('chains prevSeqId, accepts heartbeats and resets, resyncs on a gap and on a bad non-zero checksum', () => {
    const sync = new OkxBookSync();
    const msg = (m: Partial<LiveBookMessage>): LiveBookMessage => ({
      kind: 'book-update',
      market: 'X',
      changes: [],
      ...m,
    });
    const level = (side: 'bid' | 'ask', p: string, q: string) => ({
      side,
      price: Number(p),
      amount: Number(q),
      priceText: p,
      amountText: q,
    });
    expect(sync.onMessage(msg({ lastId: 5 })).type).toBe('none'); // before a snapshot
    const snap = msg({
      kind: 'book-snapshot',
      prevId: -1,
      lastId: 10,
      changes: [level('bid', '1.5', '2'), level('ask', '1.6', '3')],
    });
    expect(sync.onMessage(snap).type).toBe('snapshot');
    expect(sync.onMessage(msg({ prevId: 10, lastId: 10 })).type).toBe('none'); // heartbeat
    expect(sync.onMessage(msg({ prevId: 10, lastId: 3, changes: [level('bid', '1.4', '1')] })).type).toBe(
      'update',
    ); // reset
    const good = sync.checksum();
    expect(sync.onMessage(msg({ prevId: 3, lastId: 4, checksum: good, changes: [] })).type).toBe('none');
    expect(sync.onMessage(msg({ prevId: 99, lastId: 100 }))).toMatchObject({
      type: 'resync',
      reason: 'sequence-gap',
    });
    expect(sync.synced).toBe(false);
    expect(sync.onMessage(snap).type).toBe('snapshot');
    expect(
      sync.onMessage(msg({ prevId: 10, lastId: 11, checksum: 12345, changes: [level('ask', '1.7', '1')] })),
    ).toMatchObject({
      type: 'resync',
      reason: 'checksum-mismatch',
    });
  });
});
