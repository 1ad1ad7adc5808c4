/**
 * Parquet compression codecs: SNAPPY (built into hyparquet-writer), ZSTD (the zstd C library compiled to
 * wasm, `@bokuweb/zstd-wasm`, loaded once on first use) and UNCOMPRESSED. Node 20's zlib has no zstd.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { ValidationError } from '../core/errors.js';

/** Compression codecs the Parquet writer offers. */
export const PARQUET_CODECS = ['zstd', 'snappy', 'none'] as const;
/** One of {@link PARQUET_CODECS}. */
export type ParquetCodec = (typeof PARQUET_CODECS)[number];

/** The default codec: zstd level 3 measured smallest and fastest on trades (docs/benchmarks.md). */
export const DEFAULT_PARQUET_CODEC: ParquetCodec = 'zstd';

/** Compression functions by Parquet codec name, as hyparquet-writer takes them. */
export type Compressors = { ZSTD?: (input: Uint8Array) => Uint8Array };

type ZstdModule = { init(): Promise<void>; compress(buf: Uint8Array, level?: number): Uint8Array };

let zstd: Promise<ZstdModule> | undefined;

/** Loads the zstd wasm module once per process. */
function loadZstd(): Promise<ZstdModule> {
  zstd ??= (async () => {
    // A CommonJS package without an `exports` map: load it through `require`.
    const mod = createRequire(import.meta.url)('@bokuweb/zstd-wasm') as ZstdModule;
    await mod.init();
    return mod;
  })();
  return zstd;
}

/** What hyparquet-writer needs for `codec`: its codec name and compressors. */
export async function compressorsFor(
  codec: ParquetCodec,
  zstdLevel = 3,
): Promise<{ codec: 'ZSTD' | 'SNAPPY' | 'UNCOMPRESSED'; compressors: Compressors }> {
  if (codec === 'zstd') {
    const z = await loadZstd();
    return { codec: 'ZSTD', compressors: { ZSTD: (input) => z.compress(input, zstdLevel) } };
  }
  if (codec === 'snappy') return { codec: 'SNAPPY', compressors: {} };
  if (codec === 'none') return { codec: 'UNCOMPRESSED', compressors: {} };
  throw new ValidationError('codec', codec, `one of ${PARQUET_CODECS.join(', ')}`);
}
