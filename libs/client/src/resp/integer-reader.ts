/**
 * The decoder's integer reader: lengths (`$3`, `*2`...), integers (`:42`), and the digit runs of doubles and big
 * numbers (`scanDigits`).
 */
import { CR, LF, MAX_SHORT_LINE, protocolError, showByte, T_ERROR, T_SIMPLE } from './resp-syntax.js';

/** `readLength` result when the line is not complete yet. Real lengths are >= -1. */
export const INCOMPLETE = -2;

/** Beyond this many digits an integer may not be exact as a `number`, so it is parsed as a bigint. */
export const MAX_EXACT_DIGITS = 15;
const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE_BIGINT = -MAX_SAFE_BIGINT;

/**
 * Where the last read ended: `value` and `end` of `scanDigits`; `next`, the index after the CRLF of the last
 * `readLength` / `readInteger` (-1 when its line was incomplete). One shared record read right after each call,
 * instead of an object per call.
 */
export const cursor = { value: 0, end: 0, next: 0 };

/** Accumulates the decimal digits from `buf[from]` on: their value in `cursor.value`, the first non-digit's index in `cursor.end`. */
export function scanDigits(buf: Buffer, from: number): void {
  const length = buf.length;
  let j = from;
  let n = 0;
  while (j < length) {
    const c = buf[j]!;
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
    j++;
  }
  cursor.value = n;
  cursor.end = j;
}

/**
 * Reads the length line of a `$ * % ~ > | ! =` element whose type byte is `buf[start]`. Returns the length
 * (-1 for a null) and sets `cursor.next` past the CRLF, or returns INCOMPLETE. Throws on a malformed or too large length.
 */
export function readLength(buf: Buffer, start: number, maxBulkLength: number): number {
  // Its own digit loop, not `scanDigits`: every bulk string and aggregate has a length line, and sharing the scan
  // cost 4-5 ns per element (bench/src/decoder.ts --baseline).
  const length = buf.length;
  let j = start + 1;
  const negative = buf[j] === T_ERROR;
  if (negative) j++;
  const first = j;
  let n = 0;
  while (j < length) {
    const c = buf[j]!;
    if (c === CR) break;
    if (c < 48 || c > 57) throw protocolError(`malformed length in a ${showByte(buf[start]!)} header`);
    n = n * 10 + (c - 48);
    j++;
  }
  // Checked once per line, not per digit: even an endless run of digits stops at the end of the chunk.
  if (n > maxBulkLength) {
    throw protocolError(`a ${showByte(buf[start]!)} length above maxBulkLength (${maxBulkLength})`);
  }
  if (j - first > MAX_SHORT_LINE)
    throw protocolError(`a ${showByte(buf[start]!)} length with too many digits`);
  if (j + 1 >= length) return INCOMPLETE;
  if (buf[j + 1] !== LF) throw protocolError(`missing LF after a ${showByte(buf[start]!)} header`);
  if (j === first) throw protocolError(`missing length in a ${showByte(buf[start]!)} header`);
  if (negative) {
    if (n !== 1) throw protocolError(`negative length in a ${showByte(buf[start]!)} header`);
    n = -1;
  }
  cursor.next = j + 2;
  return n;
}

/**
 * A small non-negative integer line (`:42`) whole in `buf`, the common case: its value, with `cursor.next` past
 * its CRLF; -1 for anything else (a sign, more than 15 digits, an incomplete or malformed line), which
 * `readInteger` then reads or rejects.
 */
export function readSmallInteger(buf: Buffer, start: number): number {
  const length = buf.length;
  let j = start + 1;
  let n = 0;
  while (j < length) {
    const c = buf[j]!;
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
    j++;
  }
  if (j === start + 1 || j - start - 1 > MAX_EXACT_DIGITS || buf[j] !== CR || buf[j + 1] !== LF) return -1;
  cursor.next = j + 2;
  return n;
}

/**
 * Reads an integer line (`:`) whose type byte is `buf[start]`: a `number`, or a `bigint` beyond the safe range.
 * Sets `cursor.next` past the CRLF, or to -1 when the line is incomplete.
 */
export function readInteger(buf: Buffer, start: number): number | bigint {
  let first = start + 1;
  const sign = buf[first];
  const negative = sign === T_ERROR;
  if (negative || sign === T_SIMPLE) first++;
  scanDigits(buf, first);
  const j = cursor.end;
  const n = cursor.value;
  const length = buf.length;
  if (j < length && buf[j] !== CR) throw protocolError('malformed integer');
  if (j - first > 20) throw protocolError('an integer longer than 20 digits');
  if (j + 1 >= length) {
    cursor.next = -1;
    return 0;
  }
  if (buf[j + 1] !== LF) throw protocolError('missing LF after an integer');
  if (j === first) throw protocolError('empty integer');
  cursor.next = j + 2;
  // `0 - n` rather than `-n`: `:-0` is the integer 0, not the double -0.
  if (j - first <= MAX_EXACT_DIGITS) return negative ? 0 - n : n;
  const big = BigInt(buf.toString('latin1', start + 1, j));
  return big > MAX_SAFE_BIGINT || big < MIN_SAFE_BIGINT ? big : Number(big);
}
