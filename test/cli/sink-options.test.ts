/** `--sink` / `--pg` / `--schema` flag rules (pure). */
import { describe, expect, it } from 'vitest';
import { sinkTargetOf } from '../../src/cli/sink-options.js';

describe('sinkTargetOf', () => {
  it('reads --sink or its alias --pg, with an optional --schema', () => {
    expect(sinkTargetOf({})).toBeUndefined();
    expect(sinkTargetOf({ sink: 'postgres://u@h/db' })).toEqual({ url: 'postgres://u@h/db' });
    expect(sinkTargetOf({ pg: 'postgresql://u@h:5433/db', schema: 'market' })).toEqual({
      url: 'postgresql://u@h:5433/db',
      schema: 'market',
    });
    expect(sinkTargetOf({ sink: 'postgres://u@h/db', pg: 'postgres://u@h/db' })).toEqual({
      url: 'postgres://u@h/db',
    });
  });

  it('names the flag in every refusal and shows no password', () => {
    const cases: [Parameters<typeof sinkTargetOf>[0], string][] = [
      [{ sink: 'postgres://u:pw1@h/a', pg: 'postgres://u:pw1@h/b' }, '--pg'],
      [{ sink: 'redis://u:pw1@h' }, '--sink'],
      [{ pg: 'postgres://u:pw1@h/db', out: 'x.csv' }, '--out'],
      [{ sink: 'postgres://u:pw1@h/db', schema: 'a b' }, '--schema'],
      [{ schema: 'market' }, '--schema'],
    ];
    for (const [flags, argument] of cases) {
      let error: unknown;
      try {
        sinkTargetOf(flags);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'ERR_VALIDATION', argument });
      expect((error as Error).message).not.toContain('pw1');
    }
  });
});
