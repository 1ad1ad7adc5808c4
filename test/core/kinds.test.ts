import { describe, expect, it } from 'vitest';
import {
  archiveKindName,
  isKindId,
  KIND_IDS,
  KINDS,
  kindDef,
  kindSpan,
  parseArchiveKindName,
} from '../../src/core/kinds.js';
import { formatIsoNs } from '../../src/core/time.js';
import { csvHeader, csvLine, jsonLine } from '../../src/sinks/format.js';

describe('the kinds registry', () => {
  it('declares every kind with tsNs and time first and key columns among its columns', () => {
    for (const id of KIND_IDS) {
      const def = KINDS[id];
      expect(def.id).toBe(id);
      expect(def.columns.slice(0, 2).map((c) => c.name)).toEqual(['tsNs', 'time']);
      const names = def.columns.map((c) => c.name);
      expect(new Set(names).size).toBe(names.length);
      for (const k of def.keyColumns) expect(names).toContain(k);
    }
  });

  it('names archive folders and reads them back, spans required exactly for spanned kinds', () => {
    expect(archiveKindName('ohlc', 60)).toBe('ohlc-1m');
    expect(archiveKindName('mark-ohlc', 3600)).toBe('mark-ohlc-1h');
    expect(archiveKindName('open-interest', 300)).toBe('open-interest-5m');
    expect(archiveKindName('trades')).toBe('trades');
    expect(() => archiveKindName('ohlc')).toThrow(expect.objectContaining({ code: 'ERR_VALIDATION' }));
    expect(() => archiveKindName('funding', 60)).toThrow(expect.objectContaining({ code: 'ERR_VALIDATION' }));
    for (const id of KIND_IDS) {
      const name = KINDS[id].span === 'required' ? archiveKindName(id, 900) : archiveKindName(id);
      const back = parseArchiveKindName(name);
      expect(back?.kind).toBe(id);
      expect(back?.spanS).toBe(KINDS[id].span === 'required' ? 900 : undefined);
    }
    expect(parseArchiveKindName('mark-1m')).toBeUndefined();
    expect(parseArchiveKindName('candles')).toBeUndefined();
  });

  it('checks a span against the kind: required and parsed for spanned kinds, refused for others', () => {
    expect(kindSpan('ohlc', '1h', '--span')).toBe(3600);
    expect(kindSpan('open-interest', 300)).toBe(300);
    expect(kindSpan('funding', undefined)).toBeUndefined();
    expect(() => kindSpan('mark-ohlc', undefined, '--span')).toThrow(
      expect.objectContaining({ code: 'ERR_VALIDATION', argument: '--span' }),
    );
    expect(() => kindSpan('trades', '1m', 'options.span')).toThrow(
      expect.objectContaining({ code: 'ERR_VALIDATION', argument: 'options.span', value: '1m' }),
    );
  });

  it('refuses an unknown kind naming the argument and the value', () => {
    expect(isKindId('funding')).toBe(true);
    expect(isKindId('fundings')).toBe(false);
    expect(() => kindDef('fundings', 'options.kind')).toThrow(
      expect.objectContaining({ code: 'ERR_VALIDATION', argument: 'options.kind', value: 'fundings' }),
    );
  });
});

describe('generic CSV and JSONL from the columns', () => {
  it('writes funding with an absent optional value as an empty field and null', () => {
    expect(csvHeader('funding')).toBe('tsNs,time,rate,markPrice\n');
    const f = { tsNs: 1_700_000_000_000_000_000n, rate: 0.0001 };
    expect(csvLine('funding', f)).toBe(`1700000000000000000,${formatIsoNs(f.tsNs)},0.0001,\n`);
    expect(JSON.parse(jsonLine('funding', f))).toEqual({
      tsNs: '1700000000000000000',
      time: formatIsoNs(f.tsNs),
      rate: 0.0001,
      markPrice: null,
    });
    expect(csvLine('funding', { ...f, markPrice: 37000.5 })).toMatch(/,0\.0001,37000\.5\n$/);
  });

  it('writes int64 columns as exact digit strings in JSONL', () => {
    const m = { tsNs: 1n, markPrice: 1.5, nextFundingNs: 9_007_199_254_740_993_000n };
    expect(JSON.parse(jsonLine('mark', m)).nextFundingNs).toBe('9007199254740993000');
    expect(csvLine('liquidations', { tsNs: 5n, side: 'long', price: 2, amount: 3, sampled: true })).toBe(
      `5,${formatIsoNs(5n)},long,2,3,true,\n`,
    );
  });

  it('keeps the ohlc and trades lines byte for byte as before', () => {
    const bar = { tsNs: 60_000_000_000n, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 };
    expect(csvLine('ohlc', bar)).toBe(`60000000000,${formatIsoNs(60_000_000_000n)},1,2,0.5,1.5,10\n`);
    const t = { id: 'a,b', tsNs: 1n, price: 1, amount: 2, side: 'buy' as const };
    expect(csvLine('trades', t)).toBe(`1,${formatIsoNs(1n)},"a,b",1,2,buy\n`);
  });
});
