/**
 * The decoder's one integer reader: the length line of bulk strings and aggregates (`$3`, `*2`, `%-1`...) and the
 * integer reply (`:42`, `:-7`, `:+1`) are both a type byte, an optional sign, decimal digits and CRLF.
 *
 * `readLength` and `readInteger` share `readIntegerLine`, small enough for V8 to inline it into the parse loop: it
 * reads the usual line, unsigned, short and complete, with no sign test; what is rare (a sign, an incomplete line,
 * a malformed one, a bigint) is read again by `readUnusualLine`.
 */
import type { DecoderState } from './decoder-state.js';
import { MAX_SHORT_LINE, protocolError, showByte } from './resp-syntax.js';

// The hot reader below spells its bytes as literals, so that nothing depends on V8 folding a module's constants
// into the function it inlines this one into (an imported constant is loaded at every use: bench/README.md, issue 15).
const CR = 13;
const LF = 10;
const PLUS = 43;
const MINUS = 45;

/** Beyond this many digits an integer may not be exact as a `number`, so it is parsed as a bigint. */
const MAX_EXACT_DIGITS = 15;
const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE_BIGINT = -MAX_SAFE_BIGINT;

/**
 * Reads the length line of a `$ * % ~ > | ! =` element whose type byte is `buf[start]`: returns the index past
 * its CRLF, with the length (-1 for a null) in `s.length`, or -1 when the line is incomplete. Throws on a
 * malformed length or one above `maxBulkLength`.
 */
export function readLength(s: DecoderState, buf: Buffer, start: number): number {
  return readIntegerLine(s, buf, start, true);
}

/**
 * Reads an integer line (`:`) whose type byte is `buf[start]`: returns the index past its CRLF, with the value in
 * `s.integer` (a `number`, or a `bigint` beyond the safe range), or -1 when the line is incomplete. Throws on a
 * malformed integer.
 */
export function readInteger(s: DecoderState, buf: Buffer, start: number): number {
  return readIntegerLine(s, buf, start, false);
}

// The position is what it returns, not a field of the state: the parse loop's next index then stays in a register
// (a field read back after the merge with the call to `readUnusualLine` is a load on every element's path).
function readIntegerLine(s: DecoderState, buf: Buffer, start: number, isLength: boolean): number {
  // The usual line is unsigned and short: read without a sign test. Anything else (a sign, an incomplete line, a
  // malformed one, a long one) is read again from its start by `readUnusualLine`, out of the hot path.
  const length = buf.length;
  let j = start + 1;
  let n = 0;
  while (j < length) {
    const c = buf[j]!;
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
    j++;
  }
  if (
    j > start + 1 &&
    j - start - 1 <= 15 /* MAX_EXACT_DIGITS */ &&
    j + 1 < length &&
    buf[j] === 13 /* CR */ &&
    buf[j + 1] === 10 /* LF */ &&
    (isLength ? n <= s.maxBulkLength : true)
  ) {
    if (isLength) s.length = n;
    else s.integer = n;
    return j + 2;
  }
  return readUnusualLine(s, buf, start, isLength);
}

/**
 * The rest of `readIntegerLine`, for a line that is not a short, unsigned and complete one: reads it from its type
 * byte `buf[start]` again; rejects what is malformed, marks what is incomplete, parses what is signed or long.
 */
function readUnusualLine(s: DecoderState, buf: Buffer, start: number, isLength: boolean): number {
  const length = buf.length;
  let end = start + 1;
  const sign = buf[end];
  const negative = sign === MINUS;
  // A length has no `+`: it is then not a digit, and malformed.
  if (negative || (!isLength && sign === PLUS)) end++;
  const first = end;
  let n = 0;
  while (end < length) {
    const c = buf[end]!;
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
    end++;
  }
  const digits = end - first;
  const type = buf[start]!;
  if (end < length && buf[end] !== CR) {
    throw protocolError(isLength ? `malformed length in a ${showByte(type)} header` : 'malformed integer');
  }
  if (isLength) {
    // Checked once per line, not per digit: even an endless run of digits stops at the end of the chunk.
    if (n > s.maxBulkLength)
      throw protocolError(`a ${showByte(type)} length above maxBulkLength (${s.maxBulkLength})`);
    if (digits > MAX_SHORT_LINE) throw protocolError(`a ${showByte(type)} length with too many digits`);
  } else if (digits > 20) {
    throw protocolError('an integer longer than 20 digits');
  }
  if (end + 1 >= length) return -1;
  if (buf[end + 1] !== LF) {
    throw protocolError(
      isLength ? `missing LF after a ${showByte(type)} header` : 'missing LF after an integer',
    );
  }
  if (digits === 0)
    throw protocolError(isLength ? `missing length in a ${showByte(type)} header` : 'empty integer');
  if (isLength) {
    if (negative && n !== 1) throw protocolError(`negative length in a ${showByte(type)} header`);
    s.length = negative ? -1 : n;
  } else if (digits <= MAX_EXACT_DIGITS) {
    // `0 - n` rather than `-n`: `:-0` is the integer 0, not the double -0.
    s.integer = negative ? 0 - n : n;
  } else {
    const big = BigInt(buf.toString('latin1', start + 1, end));
    s.integer = big > MAX_SAFE_BIGINT || big < MIN_SAFE_BIGINT ? big : Number(big);
  }
  return end + 2;
}
