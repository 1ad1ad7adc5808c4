/**
 * Bybit's trade ids as the simulator serves them (REST `execId`, WebSocket `i`): on spot a large
 * decimal number that rises with every trade, on linear a UUID, as on Bybit. Both are derived from the
 * model's contiguous trade id, so ground truth names the same id; the WebSocket `seq` (Bybit's cross
 * sequence) rises with every trade but skips numbers, as the real one does.
 *
 * @module
 */
import { hash4 } from '../market/rng.js';
import type { SimExchange } from '../market/symbols.js';

const SPOT_BASE = 2_100_000_000_000_000_000n;

function hex(n: number, digits: number): string {
  return (n >>> 0)
    .toString(16)
    .padStart(8, '0')
    .slice(8 - digits);
}

/** The `execId` of model trade `id` of the symbol with hash key `key` on `exchange`. */
export function bybitExecId(exchange: SimExchange, key: number, id: number): string {
  if (exchange === 'bybit') return String(SPOT_BASE + BigInt(id));
  const a = hash4(key, id, 0x7e1d, 1);
  const b = hash4(key, id, 0x7e1d, 2);
  // The last 12 hex digits carry the id itself (48 bits), so ids are unique, yet not in order as text.
  const tail = id.toString(16).padStart(12, '0').slice(-12);
  return `${hex(a, 8)}-${hex(b, 4)}-4${hex(b >>> 16, 3)}-${hex(((a >>> 3) & 0x3fff) | 0x8000, 4)}-${tail}`;
}

/** The cross sequence `seq` of model trade `id` (rises, with gaps: book updates take numbers too). */
export function bybitTradeSeq(id: number): number {
  return 1_000_000_000 + id * 3;
}
