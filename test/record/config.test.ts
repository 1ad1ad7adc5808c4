/** The recorder's configuration: YAML and JSON, each bad key named in a typed error. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText, parseRotate } from '../../src/record/config.js';

const YAML = `
archive: /data/archive
rotate: 15m
metricsPort: 9464
streams:
  - exchange: binance
    kinds: [trades, book]
    symbols: [BTCUSDT, ETHUSDT]
    depth: 50
  - exchange: kraken
    kinds: trades
    symbols: XBTUSD
`;

describe('record config', () => {
  it('reads YAML and the same as JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tickwire-cfg-'));
    await writeFile(join(dir, 'r.yaml'), YAML);
    const cfg = await loadConfig(join(dir, 'r.yaml'));
    expect(cfg).toEqual({
      archive: '/data/archive',
      rotate: 900,
      metricsPort: 9464,
      streams: [
        { exchange: 'binance', kinds: ['trades', 'book'], symbols: ['BTCUSDT', 'ETHUSDT'], depth: 50 },
        { exchange: 'kraken', kinds: ['trades'], symbols: ['XBTUSD'] },
      ],
    });
    await writeFile(join(dir, 'r.json'), JSON.stringify({ ...cfg, rotate: '15m' }));
    expect(await loadConfig(join(dir, 'r.json'))).toEqual(cfg);
  });

  it.each([
    ['streams: []', 'config.streams'],
    ['streams: [{ exchange: bitmex, kinds: [trades], symbols: [X] }]', 'config.streams[0].exchange'],
    [
      'streams: [{ exchange: binance, kinds: [trades, candles], symbols: [X] }]',
      'config.streams[0].kinds[1]',
    ],
    ['streams: [{ exchange: binance, kinds: [trades], symbols: [] }]', 'config.streams[0].symbols'],
    ['streams: [{ exchange: binance, kinds: [trades], symbols: [X], depth: -1 }]', 'config.streams[0].depth'],
    [
      'streams: [{ exchange: binance, kinds: [trades], symbols: [X], wsUrl: "http://x" }]',
      'config.streams[0].wsUrl',
    ],
    [
      'streams: [{ exchange: binance, kinds: [trades], symbols: [X], colour: red }]',
      'config.streams[0].colour',
    ],
    ['rotate: 7m\nstreams: [{ exchange: binance, kinds: [trades], symbols: [X] }]', 'config.rotate'],
    [
      'metricsPort: 70000\nstreams: [{ exchange: binance, kinds: [trades], symbols: [X] }]',
      'config.metricsPort',
    ],
  ])('%s: a ValidationError naming %s', (text, argument) => {
    expect(() => parseConfigText(text)).toThrow(
      expect.objectContaining({ name: 'ValidationError', argument }),
    );
  });

  it('names a kind the recorder does not capture yet with UnsupportedKindError', () => {
    expect(() => parseConfigText('streams: [{ exchange: binance, kinds: [mark], symbols: [X] }]')).toThrow(
      expect.objectContaining({ name: 'UnsupportedKindError', kind: 'mark' }),
    );
  });

  it('rejects broken YAML and JSON with the source named', () => {
    expect(() => parseConfigText('streams: [', 'r.yaml')).toThrow(
      expect.objectContaining({ argument: 'r.yaml' }),
    );
    expect(() => parseConfigText('{"streams": ', 'r.json')).toThrow(
      expect.objectContaining({ argument: 'r.json' }),
    );
  });

  it('rotation periods divide a day', () => {
    expect(parseRotate('1h')).toBe(3600);
    expect(parseRotate(60)).toBe(60);
    expect(parseRotate('1d')).toBe(86_400);
    expect(() => parseRotate('7m')).toThrow(expect.objectContaining({ argument: 'rotate' }));
  });
});
