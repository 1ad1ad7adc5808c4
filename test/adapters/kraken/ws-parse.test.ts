import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KrakenBookSync } from '../../../src/adapters/kraken/book.js';
import {
  checksumToken,
  crc32,
  krakenBookChecksum,
  krakenSidesChecksum,
} from '../../../src/adapters/kraken/checksum.js';
import { LosslessNumber, parseLosslessJson } from '../../../src/adapters/kraken/lossless-json.js';
import { parseKrakenWsFrame } from '../../../src/adapters/kraken/ws-parse.js';
import type { LiveBookMessage } from '../../../src/adapters/live.js';
import { fixture } from '../../helpers/adapters-fixtures.js';

const frames = fixture('kraken', 'ws-frames') as Record<string, string>;

describe('parseLosslessJson', () => {
  it('keeps number tokens exactly, trailing zeros included', () => {
    const v = parseLosslessJson(
      '{"a":[0.10, 0.00100000, -1e-7, 12393906104898154338],"b":"x\\"y","c":true,"d":null}',
    );
    expect(v).toEqual({
      a: [
        new LosslessNumber('0.10'),
        new LosslessNumber('0.00100000'),
        new LosslessNumber('-1e-7'),
        new LosslessNumber('12393906104898154338'),
      ],
      b: 'x"y',
      c: true,
      d: null,
    });
  });

  it('agrees with JSON.parse on everything but numbers (property)', () => {
    const strip = (v: unknown): unknown =>
      v instanceof LosslessNumber
        ? Number(v.text)
        : Array.isArray(v)
          ? v.map(strip)
          : v !== null && typeof v === 'object'
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strip(x)]))
            : v;
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(strip(parseLosslessJson(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('reads every number token exactly, and refuses what JSON.parse refuses (property)', () => {
    const token = fc
      .tuple(
        fc.boolean(),
        fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9][0-9]{0,20}$/)),
        fc.option(fc.stringMatching(/^[0-9]{1,12}$/)),
        fc.option(
          fc.tuple(
            fc.constantFrom('e', 'E'),
            fc.constantFrom('', '+', '-'),
            fc.stringMatching(/^[0-9]{1,3}$/),
          ),
        ),
      )
      .map(
        ([neg, int, frac, exp]) =>
          `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : exp.join('')}`,
      );
    fc.assert(
      fc.property(token, (t) => {
        const v = parseLosslessJson(`{"price":${t},"q":[${t}]}`) as {
          price: LosslessNumber;
          q: LosslessNumber[];
        };
        expect(v.price.text).toBe(t);
        expect(v.q[0]?.text).toBe(t);
      }),
      { numRuns: 300 },
    );
    for (const bad of [
      '-',
      '1.',
      '1e',
      '1e+',
      '-01',
      '.5',
      '+1',
      '1.e5',
      '0x10',
      '1.5.5',
      '--1',
      '[1.]',
      '{"a":-}',
    ]) {
      expect(() => JSON.parse(bad), bad).toThrow();
      expect(() => parseLosslessJson(bad), bad).toThrow(expect.objectContaining({ code: 'ERR_PROTOCOL' }));
    }
    const proto = parseLosslessJson('{"__proto__":1,"constructor":2}') as Record<string, LosslessNumber>;
    expect(Object.keys(proto)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
  });

  it('rejects malformed JSON with a ProtocolError', () => {
    for (const bad of ['{', '[1,]', '{"a" 1}', '01', '"abc', '1 2', 'tru']) {
      expect(() => parseLosslessJson(bad), bad).toThrow(expect.objectContaining({ code: 'ERR_PROTOCOL' }));
    }
  });
});

describe('Kraken checksum', () => {
  it('CRC-32 matches the IEEE check value and zlib', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }), (s) => {
        expect(crc32(s)).toBe(zlibCrc32(Buffer.from(s, 'latin1')));
      }),
    );
  });

  it('formats levels as the reference says: no dot, no leading zeros, trailing zeros kept', () => {
    expect(checksumToken('45285.2')).toBe('452852');
    expect(checksumToken('0.00100000')).toBe('100000');
    expect(checksumToken('0.5666')).toBe('5666');
    expect(checksumToken('4831.75496356')).toBe('483175496356');
  });

  it('over book sides read by rank: the same CRC as over the joined tokens of the top 10 (property)', () => {
    const decimal = fc
      .tuple(fc.nat(99_999), fc.nat(99_999_999), fc.integer({ min: 0, max: 8 }))
      .map(([i, f, d]) => (d === 0 ? String(i) : `${i}.${String(f).padStart(8, '0').slice(0, d)}`));
    const side = fc.array(fc.record({ priceText: decimal, qtyText: decimal }), { maxLength: 14 });
    fc.assert(
      fc.property(side, side, (asks, bids) => {
        const ranked = (l: typeof asks) => ({ levelAt: (i: number) => l[i] });
        const joined = [...asks.slice(0, 10), ...bids.slice(0, 10)]
          .map((l) => checksumToken(l.priceText) + checksumToken(l.qtyText))
          .join('');
        expect(krakenSidesChecksum(ranked(asks), ranked(bids))).toBe(zlibCrc32(Buffer.from(joined)));
        expect(krakenSidesChecksum(ranked(asks), ranked(bids))).toBe(krakenBookChecksum(asks, bids));
      }),
    );
  });

  it('a JSON.parse round trip breaks the checksum; the lossless reader does not', () => {
    const asks = [
      { priceText: '0.5668', qtyText: '4410.79769741' },
      { priceText: '0.5670', qtyText: '2000.00000000' },
    ];
    const bids = [{ priceText: '0.5666', qtyText: '4831.75496356' }];
    const expected = zlibCrc32('566844107976974156702000000000005666483175496356');
    expect(krakenBookChecksum(asks, bids)).toBe(expected);
    const lossy = asks.map((l) => ({
      priceText: String(Number(l.priceText)),
      qtyText: String(Number(l.qtyText)),
    }));
    expect(krakenBookChecksum(lossy, bids)).not.toBe(expected);
  });

  it('equals zlib CRC-32 over the joined tokens for any levels (property)', () => {
    const dec = fc.stringMatching(/^[0-9]{1,8}(\.[0-9]{1,10})?$/);
    const level = fc.record({ priceText: dec, qtyText: dec });
    fc.assert(
      fc.property(fc.array(level, { maxLength: 14 }), fc.array(level, { maxLength: 14 }), (asks, bids) => {
        const joined = [...asks.slice(0, 10), ...bids.slice(0, 10)]
          .map((l) => checksumToken(l.priceText) + checksumToken(l.qtyText))
          .join('');
        expect(krakenBookChecksum(asks, bids)).toBe(zlibCrc32(joined));
      }),
      { numRuns: 500 },
    );
  });

  it('takes the top 10 levels only', () => {
    const levels = Array.from({ length: 12 }, (_, i) => ({ priceText: `${100 + i}.0`, qtyText: '1.0' }));
    expect(krakenBookChecksum(levels, [])).toBe(krakenBookChecksum(levels.slice(0, 10), []));
  });
});

/** Rewrites a fixture book frame's checksum(s) to the right value for the given book state. */
function withChecksum(raw: string, value: number): string {
  return raw.replace(/"checksum":\d+/, `"checksum":${value}`);
}

describe('parseKrakenWsFrame', () => {
  it('parses trades (taker side, RFC 3339 µs) and ignores status, heartbeat and acks', () => {
    const r = parseKrakenWsFrame(frames.trade!);
    expect(r).toEqual([
      {
        kind: 'trade',
        market: 'BTC/USD',
        seq: 61044952,
        trade: { id: '61044952', tsNs: 1688669597827736000n, price: 30243.4, amount: 0.345, side: 'buy' },
      },
      {
        kind: 'trade',
        market: 'BTC/USD',
        seq: 61044953,
        trade: {
          id: '61044953',
          tsNs: 1688669598280411000n,
          price: 30243.3,
          amount: 0.0037696,
          side: 'sell',
        },
      },
    ]);
    for (const f of ['status', 'heartbeat', 'subscribeAck'])
      expect(parseKrakenWsFrame(frames[f]!)).toEqual([]);
    expect(parseKrakenWsFrame(frames.subscribeFail!)[0]).toMatchObject({ kind: 'error' });
  });

  it('given the unified symbols, builds each trade of a known market with its symbol (and only those)', () => {
    const plain = parseKrakenWsFrame(frames.trade!);
    const known = parseKrakenWsFrame(frames.trade!, new Map([['BTC/USD', 'BTC/USD']]));
    expect(known).toEqual(
      plain.map((r) => (r.kind === 'trade' ? { ...r, trade: { ...r.trade, symbol: 'BTC/USD' } } : r)),
    );
    // The exact keys and order of a StreamTrade: the stream hands this object on as it is.
    const first = known[0] as { trade: object };
    expect(Object.keys(first.trade)).toEqual(['id', 'tsNs', 'price', 'amount', 'side', 'symbol']);
    const other = parseKrakenWsFrame(frames.trade!, new Map([['ETH/USD', 'ETH/USD']]));
    expect(other).toEqual(plain);
  });

  it('reads book levels losslessly', () => {
    const [s] = parseKrakenWsFrame(frames.bookSnapshot!) as LiveBookMessage[];
    expect(s?.kind).toBe('book-snapshot');
    expect(s?.changes.find((c) => c.price === 0.567)).toMatchObject({
      priceText: '0.5670',
      amountText: '2000.00000000',
    });
  });

  it('KrakenBookSync verifies every message and resyncs on a mismatch', () => {
    const sync = new KrakenBookSync(10);
    const asks = '56684410797697415670200000000000';
    const bids = '5666483175496356566566582273473 9'.replace(' ', '');
    const snapSum = zlibCrc32(asks + bids);
    expect(
      sync.onMessage(
        (parseKrakenWsFrame(withChecksum(frames.bookSnapshot!, snapSum)) as LiveBookMessage[])[0]!,
      ),
    ).toEqual({
      type: 'snapshot',
    });
    // Update: bid 0.5665 removed, ask 0.5669 @ 10.10000000 inserted between the two asks.
    const updSum = zlibCrc32('56684410797697415669101000000056702000000000005666483175496356');
    const upd = (parseKrakenWsFrame(withChecksum(frames.bookUpdate!, updSum)) as LiveBookMessage[])[0]!;
    expect(sync.onMessage(upd)).toMatchObject({ type: 'update' });
    expect(sync.book.asks().map((l) => l.price)).toEqual([0.5668, 0.5669, 0.567]);
    const bad = (parseKrakenWsFrame(withChecksum(frames.bookUpdate!, 1)) as LiveBookMessage[])[0]!;
    expect(sync.onMessage(bad)).toMatchObject({ type: 'resync', reason: 'checksum-mismatch' });
    expect(sync.synced).toBe(false);
    expect(sync.onMessage(upd)).toEqual({ type: 'none' });
  });

  it('trims to the subscribed depth after each message', () => {
    const sync = new KrakenBookSync(10);
    const changes = Array.from({ length: 15 }, (_, i) => ({
      side: 'bid' as const,
      price: 100 - i,
      amount: 1,
      priceText: `${100 - i}`,
      amountText: '1',
    }));
    sync.onMessage({ kind: 'book-snapshot', market: 'X', changes });
    expect(sync.book.bids()).toHaveLength(10);
    expect(sync.book.bids().at(-1)?.price).toBe(91);
  });
});
