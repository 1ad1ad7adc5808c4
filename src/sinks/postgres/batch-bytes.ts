/**
 * The COPY text of one batch, kept as bytes. Rows are encoded to short strings and copied into a growing
 * `Buffer` every few kilobytes, so each row's strings die young (cheap for V8's scavenger) instead of
 * living in one long concatenated string until the batch ships: holding a batch of 20 000 rows as a string
 * made the garbage collector the largest CPU cost of a `--sink postgres` download.
 *
 * @module
 */

/** UTF-16 code units gathered before they are copied into the batch's bytes. */
const SPILL_CHARS = 16_384;

/** The memory {@link BatchBytes} allocated, so that {@link BatchBytes.recycle} takes back nothing else. */
const OWN = new WeakSet<ArrayBufferLike>();

/** `size` bytes in an `ArrayBuffer` of their own (not Node's shared pool for small buffers). */
function own(size: number): Buffer {
  const buf = Buffer.allocUnsafeSlow(size);
  OWN.add(buf.buffer);
  return buf;
}

/** A batch's COPY text under construction. */
export class BatchBytes {
  #bytes: Buffer;
  #length = 0;
  #pending = '';
  /** A buffer given back by {@link BatchBytes.recycle}, for the next batch. */
  #spare: Buffer | undefined;

  /** @param capacity bytes to reserve at first (the buffer grows as needed) */
  constructor(capacity = 1 << 20) {
    this.#bytes = own(capacity);
  }

  /** Appends `text` (whole rows with their newlines). */
  append(text: string): void {
    this.#pending += text;
    if (this.#pending.length >= SPILL_CHARS) this.#spill();
  }

  /**
   * Room for `n` more bytes written in place: returns the buffer, to be written from {@link BatchBytes.end}
   * and then given the new end with {@link BatchBytes.advance}. Text appended before is copied in first.
   */
  reserve(n: number): Buffer {
    this.#spill();
    if (this.#length + n > this.#bytes.length) this.#grow(this.#length + n);
    return this.#bytes;
  }

  /** Bytes of the batch so far (where in-place writes after {@link BatchBytes.reserve} start). */
  get end(): number {
    return this.#length;
  }

  /** Ends an in-place write at `end` (at most the room {@link BatchBytes.reserve} made). */
  advance(end: number): void {
    this.#length = end;
  }

  /**
   * The batch's bytes; the object starts a new batch (with room for one as large as this one). The returned
   * buffer is not touched again.
   */
  take(): Buffer {
    this.#spill();
    const out = this.#bytes.subarray(0, this.#length);
    const spare = this.#spare;
    this.#spare = undefined;
    this.#bytes = spare ?? own(Math.max(this.#bytes.length, 1024));
    this.#length = 0;
    return out;
  }

  /**
   * Gives back the bytes of a batch {@link BatchBytes.take} returned, once nothing reads them any more (the
   * database has them all): the next batch after the current one is written into that memory instead of a
   * new allocation. A sink that keeps one batch loading while the next fills then uses two buffers for the
   * whole run, instead of allocating one per batch (whose memory the allocator may not give back soon).
   */
  recycle(taken: Buffer): void {
    const memory = taken.buffer;
    // Only memory this class allocated (never Node's shared pool, never another's buffer), and not twice.
    if (!OWN.has(memory) || memory === this.#bytes.buffer || memory === this.#spare?.buffer) return;
    if (memory.byteLength >= (this.#spare?.length ?? 0)) this.#spare = Buffer.from(memory);
  }

  #spill(): void {
    const text = this.#pending;
    if (text === '') return;
    this.#pending = '';
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const worst = this.#length + text.length * 3;
    if (worst > this.#bytes.length) this.#grow(worst);
    this.#length += this.#bytes.write(text, this.#length, 'utf8');
  }

  #grow(least: number): void {
    const grown = own(Math.max(least, this.#bytes.length * 2));
    this.#bytes.copy(grown, 0, 0, this.#length);
    this.#bytes = grown;
  }
}
