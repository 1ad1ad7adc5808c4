/**
 * The head start: a download's first pages go out while the market list and the clock are still being
 * asked, and are delivered only once both answers confirm them. Real loopback I/O: the simulator behind a
 * proxy that holds the two answers back until a page request has arrived, so a download without the head
 * start could only finish once the proxy gives up holding (which the tests assert did not happen).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeAdapter } from '../../src/adapters/adapter.js';
import { createAdapter } from '../../src/adapters/registry.js';
import { guessSpotMarket, type Market, sameMarket } from '../../src/adapters/symbols.js';
import { isTickwireError, UnknownSymbolError } from '../../src/core/errors.js';
import { download } from '../../src/download/index.js';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.js';
import { all, ascendingUnique, firstDifference, S, SIM_NOW } from '../helpers/adapters-sim.js';

const SCALE = 20;
/** How long the proxy holds the market list and the clock when no page request comes. */
const HOLD_MS = 2500;
const HELD = new Set(['/api/v3/exchangeInfo', '/api/v3/time', '/0/public/Time', '/fapi/v1/time']);
const PAGES = new Set(['/api/v3/klines', '/api/v3/aggTrades', '/0/public/Trades', '/fapi/v1/fundingRate']);

type Proxy = {
  url: string;
  /** `arrive <path>` and `answer <path>` in the order they happened. */
  log: string[];
  /** Full request paths (with the query) of page requests, in arrival order. */
  pages: string[];
  /** True when the held answers were released by a page request, false when the hold timed out. */
  releasedByPage: () => boolean | undefined;
  reset(): void;
  close(): Promise<void>;
};

async function holdingProxy(target: string): Promise<Proxy> {
  const log: string[] = [];
  const pages: string[] = [];
  let released: boolean | undefined;
  let release: () => void = () => {};
  let gate = new Promise<void>((r) => {
    release = r;
  });
  const reset = (): void => {
    log.length = 0;
    pages.length = 0;
    released = undefined;
    gate = new Promise<void>((r) => {
      release = r;
    });
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = req.url ?? '/';
      const path = url.split('?')[0] ?? url;
      log.push(`arrive ${path}`);
      if (PAGES.has(path)) {
        pages.push(url);
        if (released === undefined) released = true;
        release();
      }
      try {
        const upstream = await request(`${target}${url}`);
        const body = Buffer.from(await upstream.body.arrayBuffer());
        if (HELD.has(path)) {
          const timer = setTimeout(() => {
            if (released === undefined) released = false;
            release();
          }, HOLD_MS);
          await gate;
          clearTimeout(timer);
        }
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        for (const [k, v] of Object.entries(upstream.headers)) {
          if (k.startsWith('x-mbx-') || k === 'retry-after') headers[k] = String(v);
        }
        log.push(`answer ${path}`);
        res.writeHead(upstream.statusCode, headers).end(body);
      } catch {
        res.destroy();
      }
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    pages,
    releasedByPage: () => released,
    reset,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Index in `log` of the first entry starting with `prefix` (fails the test when absent). */
function at(log: readonly string[], prefix: string): number {
  const i = log.findIndex((l) => l.startsWith(prefix));
  expect(i, `${prefix} in ${log.slice(0, 8).join(', ')}`).toBeGreaterThanOrEqual(0);
  return i;
}

/** 1m candles of `symbol` over `[start, end)` through `url` (the proxy), rates scaled as the simulator's. */
function candles(
  url: string,
  start: bigint,
  end: bigint,
  extra: { symbol?: string; exchange?: string; signal?: AbortSignal } = {},
) {
  const { symbol = 'BTC/USDT', exchange = 'binance', signal } = extra;
  return download.ohlc({
    exchange,
    symbol,
    span: '1m',
    start,
    end,
    baseUrl: url,
    rateScale: SCALE,
    ...(signal ? { signal } : {}),
  });
}

let sim: RunningSimulator;
let proxy: Proxy;

beforeAll(async () => {
  sim = await startSimulator({ exchange: 'binance', rateLimits: { scale: SCALE } });
  proxy = await holdingProxy(sim.url);
});
afterAll(async () => {
  await proxy.close();
  await sim.close();
});

const binance = (): ExchangeAdapter => createAdapter('binance', { baseUrl: proxy.url, rateScale: SCALE });

describe('head start (Binance behind a proxy holding the market list and the clock)', () => {
  it('candles: the first pages are asked before the market list is answered, and equal the truth', async () => {
    proxy.reset();
    const start = SIM_NOW - 3n * 86_400n * S;
    const dl = candles(proxy.url, start, SIM_NOW);
    const bars = await all(dl);
    expect(proxy.releasedByPage()).toBe(true);
    expect(at(proxy.log, 'arrive /api/v3/klines')).toBeLessThan(at(proxy.log, 'answer /api/v3/exchangeInfo'));
    expect(at(proxy.log, 'arrive /api/v3/klines')).toBeLessThan(at(proxy.log, 'answer /api/v3/time'));
    expect(firstDifference(bars, sim.truth.bars('BTCUSDT', 60, start, SIM_NOW))).toBe(-1);
    expect(proxy.pages).toHaveLength(5); // 4,320 bars: no page asked twice
    expect(await dl.report).toMatchObject({ complete: true, missing: [], items: 4320, symbol: 'BTC/USDT' });
  });

  it('trades: the same, each trade once', async () => {
    proxy.reset();
    const start = SIM_NOW - 3600n * S;
    const end = SIM_NOW - 1800n * S;
    const dl = download.trades({
      exchange: 'binance',
      symbol: 'BTC/USDT',
      start,
      end,
      baseUrl: proxy.url,
      rateScale: SCALE,
    });
    const trades = await all(dl);
    expect(proxy.releasedByPage()).toBe(true);
    expect(at(proxy.log, 'arrive /api/v3/aggTrades')).toBeLessThan(
      at(proxy.log, 'answer /api/v3/exchangeInfo'),
    );
    const truth = sim.truth.trades('BTCUSDT', start, end);
    expect(trades.length).toBeGreaterThan(1000);
    expect(firstDifference(trades, truth)).toBe(-1);
    expect(ascendingUnique(trades)).toBe(true);
    expect(await dl.report).toMatchObject({ complete: true, missing: [], items: truth.length });
  });

  it('a wrong guess is discarded: nothing its pages fetched is delivered, the right market is', async () => {
    proxy.reset();
    const adapter = binance();
    const eth: Market = {
      id: 'ETHUSDT',
      symbol: 'ETH/USDT',
      base: 'ETH',
      quote: 'USDT',
      aliases: [],
      active: true,
    };
    adapter.guessMarket = () => eth;
    const start = SIM_NOW - 86_400n * S;
    try {
      const dl = download.ohlc({
        exchange: 'binance',
        symbol: 'BTC/USDT',
        span: '1m',
        start,
        end: SIM_NOW,
        adapter,
      });
      const bars = await all(dl);
      expect(proxy.pages.some((p) => p.includes('symbol=ETHUSDT'))).toBe(true); // the guess went out
      expect(proxy.pages.some((p) => p.includes('symbol=BTCUSDT'))).toBe(true);
      expect(firstDifference(bars, sim.truth.bars('BTCUSDT', 60, start, SIM_NOW))).toBe(-1);
      expect(await dl.report).toMatchObject({ complete: true, items: 1440, symbol: 'BTC/USDT' });
    } finally {
      await adapter.close();
    }
  });

  it('a range the exchange has not closed yet is cut at its clock, as without a head start', async () => {
    // This simulator's clock stands 30 s into a minute, long before the local clock: the head start
    // predicts the whole range, the exchange's answer cuts it at the bar in progress (which it would
    // serve, still changing); the bars from there on are reported, never delivered.
    const mid = await startSimulator({
      exchange: 'binance',
      rateLimits: { scale: SCALE },
      now: SIM_NOW + 30n * S,
    });
    const p = await holdingProxy(mid.url);
    try {
      const start = SIM_NOW - 3600n * S;
      const end = SIM_NOW + 60n * S;
      const dl = candles(p.url, start, end);
      const bars = await all(dl);
      expect(p.releasedByPage()).toBe(true); // the head start was tried
      expect(firstDifference(bars, mid.truth.bars('BTCUSDT', 60, start, SIM_NOW))).toBe(-1);
      expect(bars.at(-1)?.tsNs).toBe(SIM_NOW - 60n * S);
      const report = await dl.report;
      expect(report.complete).toBe(false);
      expect(report.delivered).toEqual([{ startNs: start, endNs: SIM_NOW }]);
      expect(report.missing).toEqual([
        { range: { startNs: SIM_NOW, endNs: end }, reason: expect.stringContaining('have not closed yet') },
      ]);
    } finally {
      await p.close();
      await mid.close();
    }
  });

  it('an unknown symbol fails with UnknownSymbolError, not with its guessed pages’ errors', async () => {
    proxy.reset();
    const dl = candles(proxy.url, SIM_NOW - 3600n * S, SIM_NOW, { symbol: 'NOPE/USDT' });
    const error = await all(dl).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnknownSymbolError);
    expect(proxy.pages.some((p) => p.includes('symbol=NOPEUSDT'))).toBe(true); // asked, answered -1121
    const report = await dl.report;
    expect(report.complete).toBe(false);
    expect(report.items).toBe(0);
  });

  it('aborting while the answers are held stops the download at once with AbortError', async () => {
    proxy.reset();
    const controller = new AbortController();
    const dl = candles(proxy.url, SIM_NOW - 30n * 86_400n * S, SIM_NOW, { signal: controller.signal });
    const iterator = dl[Symbol.asyncIterator]();
    const first = iterator.next();
    while (proxy.pages.length === 0) await new Promise((r) => setTimeout(r, 5));
    const t0 = performance.now();
    controller.abort();
    const error = await first.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isTickwireError(error, 'ERR_ABORTED')).toBe(true);
    expect(performance.now() - t0).toBeLessThan(HOLD_MS / 2);
    expect((await dl.report).items).toBe(0);
  });
});

describe('Kraken: no guess from the spelling, but a market list already loaded is used', () => {
  it('a first download asks no page before the market list is answered', async () => {
    const kraken = await startSimulator({ exchange: 'kraken', rateLimits: { scale: SCALE } });
    const p = await holdingProxy(kraken.url);
    try {
      const start = SIM_NOW - 3600n * S;
      const bars = await all(candles(p.url, start, SIM_NOW, { exchange: 'kraken', symbol: 'BTC/USD' }));
      expect(bars.length).toBeGreaterThan(0);
      const firstPage = p.log.findIndex((l) => l.startsWith('arrive /0/public/OHLC'));
      expect(firstPage).toBeGreaterThan(p.log.indexOf('answer /0/public/AssetPairs'));
    } finally {
      await p.close();
      await kraken.close();
    }
  });
});

describe('knownMarket: the market list already loaded starts any exchange early', () => {
  it('a second Kraken download on the same adapter sends its first page before the clock is answered', async () => {
    const kraken = await startSimulator({ exchange: 'kraken', rateLimits: { scale: SCALE } });
    const p = await holdingProxy(kraken.url);
    const adapter = createAdapter('kraken', { baseUrl: p.url, rateScale: SCALE });
    try {
      expect(adapter.knownMarket?.('BTC/USD')).toBeUndefined(); // nothing loaded yet
      const start = SIM_NOW - 900n * S;
      const end = SIM_NOW - 600n * S;
      const first = await all(
        download.trades({ exchange: 'kraken', symbol: 'BTC/USD', start, end, adapter }),
      );
      // The first download: market list and clock asked first; no guess for Kraken, so the held clock is
      // only released by the proxy giving up (HOLD_MS).
      expect(p.releasedByPage()).toBe(false);
      expect(adapter.knownMarket?.('XBTUSD')?.symbol).toBe('BTC/USD');
      expect(adapter.knownMarket?.('NOPE/USD')).toBeUndefined();
      p.reset();
      const again = await all(
        download.trades({ exchange: 'kraken', symbol: 'BTC/USD', start, end, adapter }),
      );
      expect(p.releasedByPage()).toBe(true);
      expect(at(p.log, 'arrive /0/public/Trades')).toBeLessThan(at(p.log, 'answer /0/public/Time'));
      const truth = kraken.truth.trades('XBTUSD', start, end);
      expect(truth.length).toBeGreaterThan(100);
      expect(firstDifference(first, truth)).toBe(-1);
      expect(firstDifference(again, truth)).toBe(-1);
    } finally {
      await adapter.close();
      await p.close();
      await kraken.close();
    }
  });
});

describe('knownMarket in download.records: other kinds start early too', () => {
  it('Binance USDⓈ-M funding, the market list loaded: the first page goes out before the clock answers', async () => {
    const usdm = await startSimulator({ exchange: 'binance-usdm', rateLimits: { scale: SCALE } });
    const p = await holdingProxy(usdm.url);
    const adapter = createAdapter('binance-usdm', { baseUrl: p.url, rateScale: SCALE });
    try {
      await adapter.resolveSymbol('BTC/USDT:USDT'); // the list, as an archive sync loads it first
      const start = SIM_NOW - 400n * 86_400n * S;
      const records = { kind: 'funding' as const, symbol: 'BTC/USDT:USDT', start, end: SIM_NOW };
      p.reset();
      const dl = download.records({ exchange: 'binance-usdm', ...records, adapter });
      const got = await all(dl);
      expect(p.releasedByPage()).toBe(true);
      expect(at(p.log, 'arrive /fapi/v1/fundingRate')).toBeLessThan(at(p.log, 'answer /fapi/v1/time'));
      const want = usdm.truth.derivatives.funding('BTCUSDT', start, SIM_NOW);
      expect(want.length).toBeGreaterThan(1000);
      expect(got).toEqual(want);
      expect(await dl.report).toMatchObject({ complete: true, items: want.length, symbol: 'BTC/USDT:USDT' });
    } finally {
      await adapter.close();
      await p.close();
      await usdm.close();
    }
  });
});

describe('PageOptions.market', () => {
  it('is used when its id is the symbol, ignored otherwise, and refused with a typed error when not a Market', async () => {
    const adapter = binance();
    try {
      const m = guessSpotMarket('BTC/USDT', '') as Market;
      expect(await adapter.resolveSymbol('BTCUSDT', { market: m })).toBe(m); // no request needed
      proxy.reset();
      const resolved = await adapter.resolveSymbol('ETHUSDT', { market: m });
      expect(resolved.symbol).toBe('ETH/USDT');
      expect(proxy.log).toContain('arrive /api/v3/exchangeInfo');
      for (const bad of [null, 'BTCUSDT', { symbol: 'BTC/USDT' }]) {
        await expect(
          adapter.resolveSymbol('BTCUSDT', { market: bad as unknown as Market }),
        ).rejects.toMatchObject({ name: 'ValidationError', argument: 'options.market' });
      }
    } finally {
      await adapter.close();
    }
  });
});

describe('guessSpotMarket / sameMarket', () => {
  it('guesses BASE/QUOTE joined by the separator, and nothing from other spellings', () => {
    expect(guessSpotMarket('btc/usdt', '')).toMatchObject({ id: 'BTCUSDT', symbol: 'BTC/USDT', base: 'BTC' });
    expect(guessSpotMarket(' ETH/USD ', '-')).toMatchObject({
      id: 'ETH-USD',
      symbol: 'ETH/USD',
      quote: 'USD',
    });
    for (const s of ['BTCUSDT', 'BTC-USDT', 'BTC/USDT:USDT', 'BTC/US DT', 'A/B/C', '/USDT', 'BTC/', '']) {
      expect(guessSpotMarket(s, ''), s).toBeUndefined();
    }
  });

  it('compares the fields a request is built from', () => {
    const m = guessSpotMarket('BTC/USDT', '') as Market;
    expect(sameMarket(m, { ...m, aliases: ['BTC-USDT'], active: false })).toBe(true);
    expect(sameMarket(m, { ...m, id: 'XBTUSDT' })).toBe(false);
    expect(sameMarket(m, { ...m, type: 'perpetual' })).toBe(false);
    expect(sameMarket(m, { ...m, contractSize: 10 })).toBe(false);
    expect(sameMarket(m, { ...m, settle: 'USDT' })).toBe(false);
  });
});
