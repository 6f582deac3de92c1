/**
 * The decoder's one search for the end of a line: simple strings, errors, doubles and big numbers end at their
 * CRLF, and so does a line cut by the end of a chunk, looked for again in the next one.
 */
import { protocolError, showByte } from './resp-syntax.js';

// Bytes as literals in the hot loop: see integer-reader.ts.
const LF = 10;

/** How many bytes of a line are scanned in JavaScript for its end before asking `Buffer#indexOf`. */
const SHORT_SCAN = 32;

/** The index of the first LF in `buf` from `from` on, or -1. */
export function findLineFeed(buf: Buffer, from: number): number {
  const length = buf.length;
  // Most lines are short: look at their first bytes in JavaScript, cheaper than a call into native code.
  const stop = Math.min(from + SHORT_SCAN, length);
  for (let j = from; j < stop; j++) {
    if (buf[j] === 10 /* LF */) return j;
  }
  return stop === length ? -1 : buf.indexOf(LF, stop);
}

/**
 * The end (the CR) of the line that starts with the type byte at `buf[start]`, or -1 when it is incomplete.
 * Throws when the LF is not preceded by a CR, or the line is longer than `maxBulkLength`.
 */
export function lineEnd(buf: Buffer, start: number, maxBulkLength: number): number {
  const lf = findLineFeed(buf, start + 1);
  if (lf === -1) return -1;
  if (buf[lf - 1] !== 13 /* CR */) {
    throw protocolError(`a line not ended by CRLF in a ${showByte(buf[start]!)} element`);
  }
  if (lf - 2 - start > maxBulkLength) {
    throw protocolError(`a ${showByte(buf[start]!)} line is longer than maxBulkLength (${maxBulkLength})`);
  }
  return lf - 1;
}
