/**
 * Counter-based randomness for the market model: every random value is a pure hash of
 * `(seed, symbol key, index, salt)`, so any minute of any year can be evaluated without iterating from
 * genesis, and the same seed always gives the same market.
 *
 * @module
 */

/** Murmur3-style 32-bit finaliser: a bijective mix of one uint32. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hashes four integers into a uint32. `c` may be any integer up to 2^53 (a minute or an hour index);
 * its high part is folded in separately so large indices do not collide.
 */
export function hash4(a: number, b: number, c: number, d: number): number {
  const lo = c >>> 0;
  const hi = Math.floor(c / 4294967296) >>> 0;
  let h = mix32(a ^ 0x9e3779b9);
  h = mix32(h ^ Math.imul(b + 1, 0x85ebca6b));
  h = mix32(h ^ lo);
  h = mix32(h ^ Math.imul(hi + 0x27d4eb2f, 0x165667b1));
  return mix32(h ^ Math.imul(d + 0x3c6ef372, 0xc2b2ae35));
}

/** A uniform number in [0, 1) from the hash of the four integers. */
export function uniform(a: number, b: number, c: number, d: number): number {
  return hash4(a, b, c, d) / 4294967296;
}

const SQRT3 = Math.sqrt(3);

/**
 * An approximately standard-normal number (Irwin–Hall sum of four 16-bit uniforms, rescaled to unit
 * variance), bounded to ±3.46: no wild outliers, which keeps prices positive and volumes bounded.
 */
export function gaussian(a: number, b: number, c: number, d: number): number {
  const h1 = hash4(a, b, c, d);
  const h2 = mix32(h1 ^ 0x5bd1e995);
  const sum = (h1 & 0xffff) + (h1 >>> 16) + (h2 & 0xffff) + (h2 >>> 16);
  return (sum / 65536 - 2) * SQRT3;
}

/** A small sequential PRNG (mulberry32), for generating one minute's trades from one hashed seed. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A per-stream base for {@link hashAt}: hash of `(seed, key, salt)`, computed once. */
export function streamBase(seed: number, key: number, salt: number): number {
  return hash4(seed, key, 0, salt);
}

/** Fast hash of index `i` (an integer < 2^32) within a stream: two finaliser rounds. */
export function hashAt(base: number, i: number): number {
  return mix32(mix32((base + Math.imul(i, 0x9e3779b1)) >>> 0) ^ base);
}

/** The next hash in a chain, for several independent values derived from one {@link hashAt}. */
export function nextHash(h: number): number {
  return mix32((h + 0x6d2b79f5) >>> 0);
}

/** A uint32 hash → uniform in [0, 1). */
export function unitOf(h: number): number {
  return h / 4294967296;
}

/** A uint32 hash → approximately standard normal (Irwin–Hall of its four bytes), within ±3.46. */
export function gaussOf(h: number): number {
  const sum = (h & 0xff) + ((h >>> 8) & 0xff) + ((h >>> 16) & 0xff) + (h >>> 24);
  return ((sum + 2) / 256 - 2) * SQRT3;
}
