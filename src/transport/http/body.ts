/**
 * Size-capped body reading and JSON parsing. The cap is checked against `content-length` before a
 * byte is read, then while streaming, so an oversized answer never sits in memory whole.
 *
 * @module
 */
import { ProtocolError, ResponseTooLargeError } from '../../core/errors.js';

/** A readable body as undici hands it out (destroyable, async-iterable chunks). */
export type BodyStream = AsyncIterable<Uint8Array> & {
  destroy(error?: Error): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
};

const ignore = (): void => {};

/**
 * Reads `body` into one buffer, failing with {@link ResponseTooLargeError} as soon as more than
 * `maxBytes` arrive (or `content-length` announces more); the stream is destroyed then.
 *
 * @param url already redacted; used in the error
 */
export async function readCappedBody(
  body: BodyStream,
  maxBytes: number,
  url: string,
  contentLength?: string,
): Promise<Buffer> {
  if (contentLength !== undefined && Number(contentLength) > maxBytes) {
    // Nobody reads the stream after this: swallow the abort error destroy() emits.
    body.on('error', ignore);
    body.destroy();
    throw new ResponseTooLargeError(url, maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      body.destroy();
      throw new ResponseTooLargeError(url, maxBytes);
    }
    chunks.push(chunk);
  }
  if (chunks.length === 1) {
    const only = chunks[0]!;
    return Buffer.isBuffer(only) ? only : Buffer.from(only.buffer, only.byteOffset, only.byteLength);
  }
  return Buffer.concat(chunks, total);
}

/**
 * Parses a JSON body; an empty body is `null`. Invalid (e.g. truncated) JSON throws
 * {@link ProtocolError} quoting the first bytes.
 *
 * @param url already redacted; used in the message
 * @param decode a faster decoder tried first; `undefined` from it falls back to `JSON.parse`
 */
export function parseJsonBody(buffer: Buffer, url: string, decode?: (body: Buffer) => unknown): unknown {
  if (buffer.length === 0) return null;
  if (decode !== undefined) {
    // From the bytes: no string of the whole body unless the decoder does not recognise it.
    const decoded = decode(buffer);
    if (decoded !== undefined) return decoded;
  }
  const text = buffer.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new ProtocolError(`Invalid JSON (${buffer.length} bytes) from ${url}`, text.slice(0, 200), {
      cause,
    });
  }
}

/** Parses JSON when it parses, else returns the text (for error bodies and inspect hooks). */
export function parseJsonOrText(buffer: Buffer): unknown {
  const text = buffer.toString('utf8');
  if (text === '') return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
