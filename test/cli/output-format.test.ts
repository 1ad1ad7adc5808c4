import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { outputFormatFor, parseFormatArg, parseOutputFormatArg } from '../../src/cli/args.js';

describe('download output formats', () => {
  it('--format parquet for downloads only; .parquet picks it from --out', () => {
    expect(parseOutputFormatArg('Parquet')).toBe('parquet');
    expect(() => parseOutputFormatArg('arrow')).toThrow(InvalidArgumentError);
    expect(() => parseFormatArg('parquet')).toThrow(/csv, jsonl/); // live commands stay line formats
    expect(outputFormatFor('x.parquet', undefined)).toBe('parquet');
    expect(outputFormatFor('x.PARQUET', undefined)).toBe('parquet');
    expect(outputFormatFor('x.jsonl', undefined)).toBe('jsonl');
    expect(outputFormatFor('x.csv', 'parquet')).toBe('parquet');
    expect(outputFormatFor(undefined, undefined)).toBe('csv');
  });
});
