/**
 * The decoder's scalar readers: the JavaScript value of a line or payload whose bounds are known (text, bytes,
 * error replies, doubles, big numbers, bulk errors and verbatim strings).
 */
import { ReplyError } from '../errors.js';
import { protocolError } from './resp-syntax.js';

const PLUS = 43;
const MINUS = 45;
const T_BULK_ERROR = 33; // !
const T_VERBATIM = 61; // =

/** Beyond this many digits an integer may not be exact as a `number`, so it is parsed as a bigint. */
const MAX_EXACT_DIGITS = 15;

/** Strings up to this many ASCII bytes are built in JavaScript; a native call costs more than that. */
const SMALL_TEXT = 8;
/** Buffers up to this many bytes are copied byte by byte; `Buffer#copy` has a fixed cost above that. */
const SMALL_COPY = 16;

interface BufferInternals {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}
// `utf8Slice`/`latin1Slice` are what `Buffer#toString` calls after validating its arguments, which we already did.
const hasSlices =
  typeof (Buffer.prototype as unknown as Partial<BufferInternals>).utf8Slice === 'function' &&
  typeof (Buffer.prototype as unknown as Partial<BufferInternals>).latin1Slice === 'function';

export function utf8(buf: Buffer, start: number, end: number): string {
  return hasSlices
    ? (buf as unknown as BufferInternals).utf8Slice(start, end)
    : buf.toString('utf8', start, end);
}

export function latin1(buf: Buffer, start: number, end: number): string {
  return hasSlices
    ? (buf as unknown as BufferInternals).latin1Slice(start, end)
    : buf.toString('latin1', start, end);
}

const fromCharCode = String.fromCharCode;

/** UTF-8 text of `buf[start, end)`; short ASCII strings (the usual keys, fields and counters) skip native code. */
export function decodeText(buf: Buffer, start: number, end: number): string {
  const s = start;
  switch (end - s) {
    case 0:
      return '';
    case 1: {
      const a = buf[s]!;
      if (a < 0x80) return fromCharCode(a);
      break;
    }
    case 2: {
      const a = buf[s]!;
      const b = buf[s + 1]!;
      if ((a | b) < 0x80) return fromCharCode(a, b);
      break;
    }
    case 3: {
      const a = buf[s]!;
      const b = buf[s + 1]!;
      const c = buf[s + 2]!;
      if ((a | b | c) < 0x80) return fromCharCode(a, b, c);
      break;
    }
    case 4: {
      const a = buf[s]!;
      const b = buf[s + 1]!;
      const c = buf[s + 2]!;
      const d = buf[s + 3]!;
      if ((a | b | c | d) < 0x80) return fromCharCode(a, b, c, d);
      break;
    }
    case 5: {
      const a = buf[s]!;
      const b = buf[s + 1]!;
      const c = buf[s + 2]!;
      const d = buf[s + 3]!;
      const e = buf[s + 4]!;
      if ((a | b | c | d | e) < 0x80) return fromCharCode(a, b, c, d, e);
      break;
    }
    case 6: {
      const a = buf[s]!;
      const b = buf[s + 1]!;
      const c = buf[s + 2]!;
      const d = buf[s + 3]!;
      const e = buf[s + 4]!;
      const f = buf[s + 5]!;
      if ((a | b | c | d | e | f) < 0x80) return fromCharCode(a, b, c, d, e, f);
      break;
    }
    case 7: {
      const a = buf[s]!;
      const b = buf[s + 1]!;
      const c = buf[s + 2]!;
      const d = buf[s + 3]!;
      const e = buf[s + 4]!;
      const f = buf[s + 5]!;
      const g = buf[s + 6]!;
      if ((a | b | c | d | e | f | g) < 0x80) return fromCharCode(a, b, c, d, e, f, g);
      break;
    }
    case SMALL_TEXT: {
      const a = buf[s]!;
      const b = buf[s + 1]!;
      const c = buf[s + 2]!;
      const d = buf[s + 3]!;
      const e = buf[s + 4]!;
      const f = buf[s + 5]!;
      const g = buf[s + 6]!;
      const h = buf[s + 7]!;
      if ((a | b | c | d | e | f | g | h) < 0x80) return fromCharCode(a, b, c, d, e, f, g, h);
      break;
    }
  }
  return utf8(buf, start, end);
}

/**
 * A server error reply as a value. Its stack trace would only show the decoder, and capturing one costs ten
 * times more than the rest of the error, so none is captured; the connection may attach the caller's instead.
 */
export function replyError(text: string): ReplyError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const error = new ReplyError(text);
  Error.stackTraceLimit = limit;
  return error;
}

/** A fresh Buffer holding `buf[start, end)`, so that a value never keeps a whole socket chunk alive. */
export function copyBytes(buf: Buffer, start: number, end: number): Buffer {
  const length = end - start;
  const out = Buffer.allocUnsafe(length);
  if (length <= SMALL_COPY) {
    for (let k = 0; k < length; k++) out[k] = buf[start + k]!;
  } else {
    buf.copy(out, 0, start, end);
  }
  return out;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

/** A RESP3 double line, strictly: `[+-]digits[.digits][(e|E)[+-]digits]`, `inf`, `-inf`, `nan`. */
export function parseDouble(buf: Buffer, start: number, end: number): number {
  let j = start;
  let negative = false;
  const sign = buf[j];
  if (sign === MINUS) {
    negative = true;
    j++;
  } else if (sign === PLUS) {
    j++;
  }
  const first = buf[j];
  if (first === 105 /* i */ || first === 110 /* n */) {
    if (end - j === 3) {
      if (first === 105 && buf[j + 1] === 110 && buf[j + 2] === 102) return negative ? -Infinity : Infinity;
      if (first === 110 && buf[j + 1] === 97 && buf[j + 2] === 110) return Number.NaN;
    }
    throw protocolError('malformed double');
  }
  let digits = 0;
  let integer = 0;
  while (j < end && isDigit(buf[j])) {
    integer = integer * 10 + (buf[j]! - 48);
    digits++;
    j++;
  }
  if (j === end && digits > 0 && digits <= MAX_EXACT_DIGITS) return negative ? -integer : integer;
  if (buf[j] === 46 /* . */ && j < end) {
    j++;
    while (j < end && isDigit(buf[j])) {
      digits++;
      j++;
    }
  }
  if (digits === 0) throw protocolError('malformed double');
  if (j < end && (buf[j] === 101 /* e */ || buf[j] === 69) /* E */) {
    j++;
    if (j < end && (buf[j] === MINUS || buf[j] === PLUS)) j++;
    const exponentStart = j;
    while (j < end && isDigit(buf[j])) j++;
    if (j === exponentStart) throw protocolError('malformed double exponent');
  }
  if (j !== end) throw protocolError('malformed double');
  return Number(latin1(buf, start, end));
}

/** A RESP3 big number line: `[+-]digits`. */
export function parseBigNumber(buf: Buffer, start: number, end: number): bigint {
  let j = start;
  if (buf[j] === MINUS || buf[j] === PLUS) j++;
  if (j === end) throw protocolError('empty big number');
  for (; j < end; j++) {
    if (!isDigit(buf[j])) throw protocolError('malformed big number');
  }
  return BigInt(latin1(buf, start, end));
}

/**
 * The value of a bulk (`$`), bulk error (`!`) or verbatim (`=`) string `buf[start, end)`. `owned` means `buf`
 * belongs to the decoder, so a Buffer value may be a view of it instead of a copy.
 */
export function stringValue(
  type: number,
  buf: Buffer,
  start: number,
  end: number,
  owned: boolean,
  returnBuffers: boolean,
): unknown {
  if (type === T_BULK_ERROR) return replyError(utf8(buf, start, end));
  let from = start;
  if (type === T_VERBATIM) {
    // `txt:` or `mkd:`: three bytes of format and a colon.
    if (end - start < 4 || buf[start + 3] !== 58) {
      throw protocolError('a verbatim string without its format prefix');
    }
    from += 4;
  }
  if (returnBuffers) return owned ? buf.subarray(from, end) : copyBytes(buf, from, end);
  return decodeText(buf, from, end);
}
