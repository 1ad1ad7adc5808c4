/**
 * Checks of what the recorder wrote against the simulator's ground truth: trades of every recorded day
 * id for id within its coverage, and every book file replayed on its own, compared with the true book
 * at every update it holds.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { partitionDir, seriesDir } from '../../src/archive/layout.js';
import { type DayRecord, readRecord, summarize } from '../../src/archive/manifest.js';
import type { NsRange } from '../../src/core/errors.js';
import type { BookRow } from '../../src/core/kinds.js';
import type { Trade } from '../../src/core/records.js';
import type { GroundTruth } from '../../src/sim/index.js';
import { readParquetRecords } from '../../src/sinks/parquet-read.js';

/** The day records of one series, by date. */
export async function seriesDays(
  dir: string,
  exchange: string,
  kind: 'trades' | 'book',
  symbol: string,
): Promise<DayRecord[]> {
  const names = await readdir(seriesDir(dir, { exchange, kind, symbol })).catch(() => [] as string[]);
  const out: DayRecord[] = [];
  for (const n of names.filter((x) => x.startsWith('date=')).sort()) {
    const r = await readRecord(dir, { exchange, kind, symbol, date: n.slice(5) });
    if (r) out.push(r);
  }
  return out;
}

/** Trades of a day record's files, in time order. */
export async function dayTrades(dir: string, r: DayRecord): Promise<Trade[]> {
  const out: Trade[] = [];
  const files = [...r.files].sort((a, b) => (a.range.startNs < b.range.startNs ? -1 : 1));
  for (const f of files) {
    for await (const t of readParquetRecords(join(partitionDir(dir, r), f.name), 'trades')) out.push(t);
  }
  return out;
}

const key = (t: Trade) => `${t.id}|${t.tsNs}|${t.price}|${t.amount}|${t.side}`;

/**
 * Compares every recorded trades day of `symbol` with the truth inside its covered ranges; returns
 * problems (empty: equal id for id) and the coverage per day.
 */
export async function checkTrades(
  dir: string,
  exchange: string,
  symbol: string,
  truth: GroundTruth,
): Promise<{
  problems: string[];
  days: { date: string; covered: NsRange[]; complete: boolean; rows: number; gaps: number }[];
}> {
  const problems: string[] = [];
  const days = [];
  for (const r of await seriesDays(dir, exchange, 'trades', symbol)) {
    const s = summarize(r);
    const mine = await dayTrades(dir, r);
    const inCover = (t: Trade) => s.covered.some((c) => t.tsNs >= c.startNs && t.tsNs < c.endNs);
    const got = mine.filter(inCover).map(key);
    const want = s.covered.flatMap((c) => truth.trades(symbol, c.startNs, c.endNs)).map(key);
    if (got.length !== want.length || got.some((g, i) => g !== want[i])) {
      const i = got.findIndex((g, j) => g !== want[j]);
      problems.push(
        `${exchange} ${symbol} ${r.date}: ${got.length} trades vs truth ${want.length}; first difference at ${i}: ${got[i]} vs ${want[i]}`,
      );
    }
    const ids = mine.map((t) => t.id);
    if (new Set(ids).size !== ids.length) problems.push(`${exchange} ${symbol} ${r.date}: an id twice`);
    days.push({
      date: r.date,
      covered: s.covered,
      complete: s.complete,
      rows: mine.length,
      gaps: r.gaps.length,
    });
  }
  return { problems, days };
}

type Book = { bids: Map<number, number>; asks: Map<number, number> };
const top = (b: Book, depth: number) => ({
  bids: [...b.bids.entries()].sort((x, y) => y[0] - x[0]).slice(0, depth),
  asks: [...b.asks.entries()].sort((x, y) => x[0] - y[0]).slice(0, depth),
});

/**
 * Replays every book file of `symbol` on its own (from its opening snapshot) and compares the top `depth`
 * levels with the truth after every update time it holds (`truthAt` maps a row time to the truth's `at`).
 */
export async function checkBookFiles(
  dir: string,
  exchange: string,
  symbol: string,
  truth: GroundTruth,
  depth: number,
): Promise<{ problems: string[]; files: number; checks: number; gaps: NsRange[] }> {
  const problems: string[] = [];
  let files = 0;
  let checks = 0;
  const gaps: NsRange[] = [];
  for (const r of await seriesDays(dir, exchange, 'book', symbol)) {
    gaps.push(...r.gaps.map((g) => g.range));
    for (const f of r.files) {
      files++;
      const book: Book = { bids: new Map(), asks: new Map() };
      let at: bigint | undefined;
      let hasUpdate = false;
      let first = true;
      let inSnapshot = false;
      let prevTs: bigint | undefined;
      const check = () => {
        if (at === undefined || !hasUpdate) return;
        checks++;
        const t = truth.book(symbol, at, depth);
        const mine = top(book, depth);
        if (JSON.stringify(mine) !== JSON.stringify({ bids: t.bids, asks: t.asks })) {
          problems.push(
            `${f.name} at ${at}: replayed ${JSON.stringify(mine)} truth ${JSON.stringify({ bids: t.bids, asks: t.asks })}`,
          );
        }
      };
      for await (const row of readParquetRecords(
        join(partitionDir(dir, r), f.name),
        'book',
      ) as AsyncIterable<BookRow>) {
        if (first && !row.isSnapshot) problems.push(`${f.name}: does not open with a snapshot`);
        first = false;
        if (row.tsNs !== at) {
          check();
          at = row.tsNs;
          hasUpdate = false;
        }
        if (row.isSnapshot && (!inSnapshot || row.tsNs !== prevTs)) {
          book.bids.clear();
          book.asks.clear();
        }
        inSnapshot = row.isSnapshot;
        prevTs = row.tsNs;
        if (!row.isSnapshot) hasUpdate = true;
        const side = row.side === 'bid' ? book.bids : book.asks;
        if (row.amount === 0) side.delete(row.price);
        else side.set(row.price, row.amount);
      }
      check();
    }
  }
  return { problems, files, checks, gaps };
}
