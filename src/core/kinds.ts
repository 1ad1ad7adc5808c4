/**
 * The data kinds: one registry that says, for every kind of record tickwire moves (candles, trades,
 * funding, open interest, price-index candles, liquidations, mark prices, book rows), its record type,
 * what makes a record unique, its columns (CSV, JSONL, Parquet and PostgreSQL all derive from them) and
 * its archive `kind=` name. Every layer above `core` (download, sinks, archive, CLI) is generic over
 * this registry: adding a kind is one declaration here and one per layer that serves it, never an edit
 * of a `switch` in every file.
 *
 * @module
 */
import { ValidationError } from './errors.js';
import type {
  FundingRate,
  Liquidation,
  MarkPrice,
  OHLCBar,
  OpenInterest,
  PriceBar,
  Trade,
} from './records.js';
import { formatSpan, parseSpan } from './time.js';

/** One row of an incremental L2 book file (recorder): a price level set to `amount` (0 removes it). */
export type BookRow = {
  /** Exchange time of the update (or snapshot), epoch ns. */
  tsNs: bigint;
  /** Local receive time, epoch ns. */
  recvNs: bigint;
  /** The exchange's update id (Binance `u`, OKX `seqId`, Bybit `u`); `-1` when the exchange has none. */
  updateId: bigint;
  /** Which side of the book. */
  side: 'bid' | 'ask';
  /** Price of the level. */
  price: number;
  /** New size of the level in base units; `0` deletes it. */
  amount: number;
  /** True for the rows of a full snapshot (the book is replaced by the snapshot's rows). */
  isSnapshot: boolean;
};

/** The record type of each kind. */
export type KindRecords = {
  ohlc: OHLCBar;
  trades: Trade;
  funding: FundingRate;
  'open-interest': OpenInterest;
  'mark-ohlc': PriceBar;
  'index-ohlc': PriceBar;
  'premium-ohlc': PriceBar;
  liquidations: Liquidation;
  mark: MarkPrice;
  book: BookRow;
};

/** Every kind id, in registry order. */
export const KIND_IDS = [
  'ohlc',
  'trades',
  'funding',
  'open-interest',
  'mark-ohlc',
  'index-ohlc',
  'premium-ohlc',
  'liquidations',
  'mark',
  'book',
] as const satisfies readonly (keyof KindRecords)[];

/** One of {@link KIND_IDS}. */
export type KindId = (typeof KIND_IDS)[number];

/** The record type of kind `K`. */
export type RecordOfKind<K extends KindId> = KindRecords[K];

/**
 * A column's storage type. `int64` holds a `bigint`; `timestamp` is a `bigint` of epoch ns shown as an
 * ISO time (CSV, JSONL) or stored as TIMESTAMP(NANOS) (Parquet, UTC); `enum` is a string from a small set
 * (dictionary-encoded in Parquet).
 */
export type ColumnType = 'int64' | 'timestamp' | 'double' | 'string' | 'enum' | 'bool';

/** The JavaScript value of each {@link ColumnType}. */
export type ColumnValue<T extends ColumnType> = T extends 'int64' | 'timestamp'
  ? bigint
  : T extends 'double'
    ? number
    : T extends 'bool'
      ? boolean
      : string;

/** One column of a kind: its name (as in CSV headers), type, and how to read it off a record. */
export type Column<R> = {
  /** Column name, the same in every format. */
  readonly name: string;
  /** Storage type. */
  readonly type: ColumnType;
  /** True when the value may be absent (an empty CSV field, JSON `null`, a Parquet null). */
  readonly optional?: boolean;
  /** What the column means (docs, Parquet/PostgreSQL comments). */
  readonly doc: string;
  /** The value of this column in `record`; `undefined` only when {@link Column.optional}. */
  get(record: R): bigint | number | string | boolean | undefined;
};

/** Whether a kind can be fetched over REST (`history`), only streamed (`live`), or both. */
export type KindAvailability = 'history' | 'live' | 'both';

/** The declaration of one data kind. */
export type KindDef<K extends KindId = KindId> = {
  /** The kind id (`'ohlc'`, `'funding'`...). */
  readonly id: K;
  /** One line for humans (`tickwire kinds`, docs). */
  readonly title: string;
  /** REST history, live only, or both. */
  readonly availability: KindAvailability;
  /**
   * Whether the kind is sampled at a span the caller chooses (`'span'`: candles, open interest's period),
   * or has none.
   */
  readonly span: 'required' | 'none';
  /** Columns in file order; the first is always `tsNs`, the second `time`. */
  readonly columns: readonly Column<RecordOfKind<K>>[];
  /**
   * What makes a record unique within one exchange and symbol (and span): two records with the same key
   * are the same record. Trades: the id; candles, funding, open interest: the time.
   */
  key(record: RecordOfKind<K>): string;
  /** The columns that form {@link KindDef.key} (PostgreSQL primary key, docs). */
  readonly keyColumns: readonly string[];
  /**
   * `false` when rows of a day are not unique by {@link KindDef.key}: book rows, where a level can be set
   * to the same size twice, and every file repeats the book as a snapshot. `archive verify` then skips its
   * duplicate check. @default true
   */
  readonly unique?: boolean;
};

const tsColumns = <R extends { tsNs: bigint }>(doc: string): Column<R>[] => [
  { name: 'tsNs', type: 'int64', doc: `${doc}, epoch nanoseconds (UTC)`, get: (r) => r.tsNs },
  { name: 'time', type: 'timestamp', doc: `${doc} (UTC)`, get: (r) => r.tsNs },
];

const num = <R>(name: string, doc: string, get: (r: R) => number | undefined, optional = false): Column<R> =>
  optional ? { name, type: 'double', doc, get, optional: true } : { name, type: 'double', doc, get };

const priceBarColumns = (what: string): Column<PriceBar>[] => [
  ...tsColumns<PriceBar>('Bar open time'),
  num('open', `${what} at the bar's open`, (b) => b.open),
  num('high', `Highest ${what} in the bar`, (b) => b.high),
  num('low', `Lowest ${what} in the bar`, (b) => b.low),
  num('close', `${what} at the bar's close`, (b) => b.close),
];

const byTime = (r: { tsNs: bigint }): string => r.tsNs.toString();

/** Every kind, by id. */
export const KINDS: { readonly [K in KindId]: KindDef<K> } = {
  ohlc: {
    id: 'ohlc',
    title: 'Candles of traded prices (open, high, low, close, base volume)',
    availability: 'history',
    span: 'required',
    columns: [
      ...tsColumns<OHLCBar>('Bar open time'),
      num('open', 'First trade price', (b) => b.open),
      num('high', 'Highest trade price', (b) => b.high),
      num('low', 'Lowest trade price', (b) => b.low),
      num('close', 'Last trade price', (b) => b.close),
      num('volume', 'Traded volume in base units', (b) => b.volume),
    ],
    key: byTime,
    keyColumns: ['tsNs'],
  },
  trades: {
    id: 'trades',
    title: 'Public trades, one per fill, with the taker side',
    availability: 'both',
    span: 'none',
    columns: [
      ...tsColumns<Trade>('Trade time'),
      { name: 'id', type: 'string', doc: "The exchange's trade id", get: (t) => t.id },
      num('price', 'Trade price', (t) => t.price),
      num('amount', 'Trade size in base units', (t) => t.amount),
      { name: 'side', type: 'enum', doc: "Taker side: 'buy', 'sell' or 'unknown'", get: (t) => t.side },
    ],
    key: (t) => t.id,
    keyColumns: ['id'],
  },
  funding: {
    id: 'funding',
    title: 'Funding rates of perpetual swaps, one row per funding time',
    availability: 'history',
    span: 'none',
    columns: [
      ...tsColumns<FundingRate>('Funding time'),
      num('rate', 'Funding rate as a fraction (positive: longs pay shorts)', (f) => f.rate),
      num('markPrice', 'Mark price at the funding time', (f) => f.markPrice, true),
    ],
    key: byTime,
    keyColumns: ['tsNs'],
  },
  'open-interest': {
    id: 'open-interest',
    title: 'Open interest sampled every period (base units, and quote value where reported)',
    availability: 'history',
    span: 'required',
    columns: [
      ...tsColumns<OpenInterest>('Sample time'),
      num('amount', 'Open interest in base units', (o) => o.amount),
      num('value', 'Open interest valued in the quote asset', (o) => o.value, true),
    ],
    key: byTime,
    keyColumns: ['tsNs'],
  },
  'mark-ohlc': {
    id: 'mark-ohlc',
    title: 'Candles of the mark price',
    availability: 'history',
    span: 'required',
    columns: priceBarColumns('Mark price'),
    key: byTime,
    keyColumns: ['tsNs'],
  },
  'index-ohlc': {
    id: 'index-ohlc',
    title: 'Candles of the index price',
    availability: 'history',
    span: 'required',
    columns: priceBarColumns('Index price'),
    key: byTime,
    keyColumns: ['tsNs'],
  },
  'premium-ohlc': {
    id: 'premium-ohlc',
    title: 'Candles of the premium index (perpetual vs index)',
    availability: 'history',
    span: 'required',
    columns: priceBarColumns('Premium index'),
    key: byTime,
    keyColumns: ['tsNs'],
  },
  liquidations: {
    id: 'liquidations',
    title: 'Forced liquidations from the public feed (live only; often sampled)',
    availability: 'live',
    span: 'none',
    columns: [
      ...tsColumns<Liquidation>('Liquidation time'),
      {
        name: 'side',
        type: 'enum',
        doc: "Side of the liquidated position: 'long' or 'short'",
        get: (l) => l.side,
      },
      num('price', 'Liquidation order price', (l) => l.price),
      num('amount', 'Size in base units', (l) => l.amount),
      {
        name: 'sampled',
        type: 'bool',
        doc: 'True when the exchange publishes only a sample of liquidations',
        get: (l) => l.sampled ?? false,
      },
      {
        name: 'recvNs',
        type: 'int64',
        optional: true,
        doc: 'Local receive time, epoch ns',
        get: (l) => l.recvNs,
      },
    ],
    key: (l) => `${l.tsNs}/${l.side}/${l.price}/${l.amount}`,
    keyColumns: ['tsNs', 'side', 'price', 'amount'],
  },
  mark: {
    id: 'mark',
    title: 'Mark price updates with index price and funding (live only)',
    availability: 'live',
    span: 'none',
    columns: [
      ...tsColumns<MarkPrice>('Update time'),
      num('markPrice', 'Mark price', (m) => m.markPrice),
      num('indexPrice', 'Index price', (m) => m.indexPrice, true),
      num('fundingRate', 'Current funding rate as a fraction', (m) => m.fundingRate, true),
      {
        name: 'nextFundingNs',
        type: 'int64',
        optional: true,
        doc: 'Next funding time, epoch ns',
        get: (m) => m.nextFundingNs,
      },
      {
        name: 'recvNs',
        type: 'int64',
        optional: true,
        doc: 'Local receive time, epoch ns',
        get: (m) => m.recvNs,
      },
    ],
    key: byTime,
    keyColumns: ['tsNs'],
  },
  book: {
    id: 'book',
    title: 'Incremental L2 order book rows (live only; a snapshot opens every file)',
    availability: 'live',
    span: 'none',
    columns: [
      ...tsColumns<BookRow>('Exchange time of the update'),
      { name: 'recvNs', type: 'int64', doc: 'Local receive time, epoch ns', get: (r) => r.recvNs },
      { name: 'updateId', type: 'int64', doc: "The exchange's update id", get: (r) => r.updateId },
      { name: 'side', type: 'enum', doc: "'bid' or 'ask'", get: (r) => r.side },
      num('price', 'Price of the level', (r) => r.price),
      num('amount', 'New size of the level in base units (0 removes it)', (r) => r.amount),
      {
        name: 'isSnapshot',
        type: 'bool',
        doc: 'True for the rows of a full snapshot',
        get: (r) => r.isSnapshot,
      },
    ],
    key: (r) => `${r.updateId}/${r.side}/${r.price}/${r.isSnapshot}`,
    keyColumns: ['updateId', 'side', 'price', 'isSnapshot'],
    unique: false,
  },
};

/** True when `value` is a registered kind id. */
export function isKindId(value: unknown): value is KindId {
  return typeof value === 'string' && (KIND_IDS as readonly string[]).includes(value);
}

/** The declaration of `kind`; throws `ValidationError` naming `argument` for an unknown one. */
export function kindDef<K extends KindId>(kind: K, argument?: string): KindDef<K>;
export function kindDef(kind: string, argument?: string): KindDef;
export function kindDef(kind: string, argument = 'kind'): KindDef {
  if (!isKindId(kind)) throw new ValidationError(argument, kind, `one of ${KIND_IDS.join(', ')}`);
  return KINDS[kind] as unknown as KindDef;
}

/**
 * The archive's `kind=` folder name of a kind at a span: `trades`, `funding`, `ohlc-1m`,
 * `mark-ohlc-1h`, `open-interest-5m`. Spanned kinds require `spanS`, others refuse it.
 */
export function archiveKindName(kind: KindId, spanS?: number): string {
  const def = KINDS[kind];
  if (def.span === 'required') {
    if (spanS === undefined) throw new ValidationError('span', spanS, `a span for kind ${kind}`);
    return `${kind}-${formatSpan(spanS)}`;
  }
  if (spanS !== undefined) throw new ValidationError('span', spanS, `no span: kind ${kind} has none`);
  return kind;
}

/** Parses an archive `kind=` folder name back into kind and span; `undefined` when it names none. */
export function parseArchiveKindName(name: string): { kind: KindId; spanS?: number } | undefined {
  if (isKindId(name) && KINDS[name].span === 'none') return { kind: name };
  // Longest kind prefix first, so `mark-ohlc-1m` is not read as kind `mark`.
  const ids = [...KIND_IDS].sort((a, b) => b.length - a.length);
  for (const id of ids) {
    if (KINDS[id].span !== 'required' || !name.startsWith(`${id}-`)) continue;
    try {
      const spanS = parseSpan(name.slice(id.length + 1));
      if (archiveKindName(id, spanS) === name) return { kind: id, spanS };
    } catch {
      // not a span: try the next kind
    }
  }
  return undefined;
}

/**
 * Checks a span against a kind: required (and parsed) for spanned kinds, refused for the others. Returns
 * the span in seconds, or `undefined` for kinds without one.
 *
 * @param argument the option's name in errors (`options.span`, `--span`)
 * @throws ValidationError naming `argument` and the value
 */
export function kindSpan(
  kind: KindId,
  span: string | number | undefined,
  argument = 'span',
): number | undefined {
  const def = KINDS[kind];
  if (def.span === 'required') {
    if (span === undefined) {
      throw new ValidationError(argument, span, `a span such as "1m" (kind ${kind} needs one)`);
    }
    return parseSpan(span, argument);
  }
  if (span !== undefined) throw new ValidationError(argument, span, `no span (kind ${kind} has none)`);
  return undefined;
}
