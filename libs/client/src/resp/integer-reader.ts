/**
 * The decoder's one integer reader: the length line of bulk strings and aggregates (`$3`, `*2`, `%-1`...) and the
 * integer reply (`:42`, `:-7`, `:+1`) are both a type byte, an optional sign, decimal digits and CRLF.
 *
 * `readIntegerLine` reads the usual line, unsigned, short and complete, with no sign test; what is rare (a sign, an
 * incomplete line, a malformed one, a bigint) is read again from its start by `readUnusualLine`.
 */
import type { DecoderState } from './decoder-state.js';
import { MAX_SHORT_LINE, protocolError, showByte } from './resp-syntax.js';

const CR = 13;
const LF = 10;
const PLUS = 43;
const MINUS = 45;
const T_INTEGER = 58; // :

/** Beyond this many digits an integer may not be exact as a `number`, so it is parsed as a bigint. */
const MAX_EXACT_DIGITS = 15;
const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE_BIGINT = -MAX_SAFE_BIGINT;

/**
 * Reads the integer or length line whose type byte is `buf[start]` (`:`, or one of `$ * % ~ > | ! =`): returns the
 * index past its CRLF, with its value in `s.integer`, or -1 when the line is incomplete. A length is -1 for a null;
 * an integer is a `number`, or a `bigint` beyond the safe range. `max` is `s.maxBulkLength` for a length, above
 * which it throws (`Number.MAX_SAFE_INTEGER` for an integer). Throws on a malformed line.
 *
 * Written for V8 to inline it into the parse loop, which calls it from one place for every kind (one inlined copy
 * fits V8's inlining budget whatever else the loop has inlined). It returns the position rather than leave it in the
 * state, so that the loop's next index stays in a register.
 */
export function readIntegerLine(s: DecoderState, buf: Buffer, start: number, max: number): number {
  const length = buf.length;
  let j = start + 1;
  let n = 0;
  // Bytes as literals: nothing depends on V8 folding a module's constants into the loop that inlines this one.
  while (j < length) {
    const digit = buf[j]! - 48;
    if (digit < 0 || digit > 9) break;
    n = n * 10 + digit;
    j++;
  }
  const digits = j - start - 1;
  if (
    digits > 0 &&
    digits <= 15 /* MAX_EXACT_DIGITS */ &&
    n <= max &&
    j + 1 < length &&
    buf[j] === 13 /* CR */ &&
    buf[j + 1] === 10 /* LF */
  ) {
    s.integer = n;
    return j + 2;
  }
  return readUnusualLine(s, buf, start);
}

/**
 * The rest of `readIntegerLine`, for a line that is not a short, unsigned and complete one: reads it from its type
 * byte `buf[start]` again; rejects what is malformed, marks what is incomplete, parses what is signed or long.
 */
function readUnusualLine(s: DecoderState, buf: Buffer, start: number): number {
  const length = buf.length;
  const isLength = buf[start] !== T_INTEGER;
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
    s.integer = negative ? -1 : n;
  } else if (digits <= MAX_EXACT_DIGITS) {
    // `0 - n` rather than `-n`: `:-0` is the integer 0, not the double -0.
    s.integer = negative ? 0 - n : n;
  } else {
    const big = BigInt(buf.toString('latin1', start + 1, end));
    s.integer = big > MAX_SAFE_BIGINT || big < MIN_SAFE_BIGINT ? big : Number(big);
  }
  return end + 2;
}
