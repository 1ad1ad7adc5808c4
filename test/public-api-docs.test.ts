/**
 * Every symbol the package exports carries TSDoc: a public name without documentation fails here.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function undocumentedExports(): { names: string[]; total: number } {
  const entry = join(root, 'src', 'index.ts');
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error('src/index.ts not found');
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error('src/index.ts has no module symbol');
  const missing: string[] = [];
  const exports = checker.getExportsOfModule(moduleSymbol);
  for (const exported of exports) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const docs = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    if (!docs) missing.push(exported.getName());
  }
  return { names: missing.sort(), total: exports.length };
}

describe('public API documentation', () => {
  it('documents every exported symbol with TSDoc', () => {
    const { names, total } = undocumentedExports();
    expect(total).toBeGreaterThan(50);
    expect(names).toEqual([]);
  }, 60_000);
});
