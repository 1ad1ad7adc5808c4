/** Test helper: a local order book from decimal strings, applied the way clients do. */
export class LocalBook {
  readonly bids = new Map<string, string>();
  readonly asks = new Map<string, string>();

  set(side: 'bids' | 'asks', price: string, qty: string): void {
    if (Number(qty) === 0) this[side].delete(price);
    else this[side].set(price, qty);
  }

  /** Levels as numbers, best first. */
  levels(side: 'bids' | 'asks', depth = Number.POSITIVE_INFINITY): [number, number][] {
    const l = [...this[side]].map(([p, q]): [number, number] => [Number(p), Number(q)]);
    l.sort((a, b) => (side === 'bids' ? b[0] - a[0] : a[0] - b[0]));
    return l.slice(0, depth);
  }

  /** Raw strings, best first. */
  raw(side: 'bids' | 'asks'): [string, string][] {
    const l = [...this[side]];
    l.sort((a, b) => (side === 'bids' ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])));
    return l;
  }

  trim(depth: number): void {
    for (const side of ['bids', 'asks'] as const) {
      for (const [p] of this.raw(side).slice(depth)) this[side].delete(p);
    }
  }
}

/** Bitwise CRC-32 (IEEE), written independently of the simulator's table version. */
export function crc32Bitwise(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc ^= text.charCodeAt(i);
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}
