/**
 * Incremental RESP2 and RESP3 decoder.
 *
 * ## How replies map to JavaScript values
 *
 * | RESP type              | On the wire                         | JavaScript value                                          |
 * | ---------------------- | ----------------------------------- | --------------------------------------------------------- |
 * | simple string          | `+OK\r\n`                           | `string`, always, even in buffer mode                     |
 * | simple error           | `-ERR message\r\n`                  | a `ReplyError` delivered as a value (never thrown), nested ones included (e.g. in EXEC results) |
 * | bulk error (RESP3)     | `!<length>\r\n<message>\r\n`        | a `ReplyError`, as for a simple error                     |
 * | integer                | `:42\r\n`                           | `number`; a `bigint` beyond `Number.MAX_SAFE_INTEGER` in magnitude |
 * | bulk string            | `$<length>\r\n<bytes>\r\n`          | `string` (UTF-8), or a `Buffer` of the exact bytes in buffer mode |
 * | null                   | `_\r\n`, RESP2 `$-1\r\n` and `*-1\r\n` | `null` (`%-1` and `~-1` too)                              |
 * | array                  | `*<count>\r\n<elements>`            | an array                                                  |
 * | map (RESP3)            | `%<count>\r\n<key><value>...`       | a `Map`; keys follow the rules for values, so in buffer mode bulk keys are `Buffer`s |
 * | set (RESP3)            | `~<count>\r\n<elements>`            | an array, in the order sent                               |
 * | double (RESP3)         | `,3.14\r\n`, `,1e-5\r\n`, `,inf\r\n`  | `number`; `inf`, `-inf`, `nan` are `Infinity`, `-Infinity`, `NaN` |
 * | boolean (RESP3)        | `#t\r\n`, `#f\r\n`                  | `boolean`                                                 |
 * | big number (RESP3)     | `(<digits>\r\n`                     | `bigint`                                                  |
 * | verbatim (RESP3)       | `=<length>\r\ntxt:<text>\r\n`       | the text without its `txt:` prefix: `string`, or `Buffer` in buffer mode |
 * | attribute (RESP3)      | `\|<count>\r\n<key><value>...`      | a `Map` given to `onAttribute`; the value that follows is decoded as if it were absent |
 * | push (RESP3)           | `><count>\r\n<elements>`            | at top level, an array given to `onPush`; nested, a plain array |
 *
 * Buffer mode is {@link RespDecoder.returnBuffers}; it is read each time a bulk or verbatim string is produced,
 * so a connection can flip it between replies. Buffers handed out never share memory with the fed chunks.
 * `ReplyError`s are created without a stack trace (it would only show the decoder). Streamed RESP3 strings and
 * aggregates (`$?`, `*?`), which Redis does not send, are rejected.
 *
 * Anything that is not valid RESP (an unknown type byte, a malformed or negative length, a missing CRLF, a length
 * above `maxBulkLength`, nesting deeper than `maxNesting`) throws a `ProtocolError` from {@link RespDecoder.feed};
 * the decoder then refuses further input until {@link RespDecoder.reset} is called.
 *
 * @module
 */
import { StringDecoder } from 'node:string_decoder';
import { ConfigError, ProtocolError, ReplyError } from '../errors.js';

/** Receives what a {@link RespDecoder} decodes. Handlers are called synchronously from `feed()`. */
export interface DecoderHandlers {
  /** Each complete top-level reply, including top-level error replies as `ReplyError` values. */
  onReply(value: unknown): void;
  /** Each top-level RESP3 push frame (`>`): pub/sub messages, client-side caching invalidations... */
  onPush(value: unknown[]): void;
  /** Each RESP3 attribute (`|`). The value that follows it is then decoded and delivered as usual. */
  onAttribute?(attributes: Map<unknown, unknown>): void;
}

/** Limits that protect the process from a server (or a proxy) that sends nonsense. */
export interface DecoderOptions {
  /** How deeply aggregates may nest. Default 128. */
  maxNesting?: number | undefined;
  /**
   * The largest bulk string, and the most elements in one aggregate, accepted; also caps the length of a simple
   * string, error, double or big number line. Default 512 MiB, the server's own `proto-max-bulk-len` default.
   */
  maxBulkLength?: number | undefined;
}

const DEFAULT_MAX_NESTING = 128;
const DEFAULT_MAX_BULK_LENGTH = 512 * 1024 * 1024;

const CR = 13;
const LF = 10;

const T_BULK = 36; // $
const T_ARRAY = 42; // *
const T_SIMPLE = 43; // +
const T_ERROR = 45; // -
const T_INTEGER = 58; // :
const T_NULL = 95; // _
const T_DOUBLE = 44; // ,
const T_BOOLEAN = 35; // #
const T_BIG_NUMBER = 40; // (
const T_BULK_ERROR = 33; // !
const T_VERBATIM = 61; // =
const T_MAP = 37; // %
const T_SET = 126; // ~
const T_ATTRIBUTE = 124; // |
const T_PUSH = 62; // >

/** `readLength` result when the line is not complete yet. Real lengths are >= -1. */
const INCOMPLETE = -2;

/**
 * The longest a length, integer, boolean or null line may be, type byte and CRLF included. Anything longer is
 * malformed; the limit keeps a stream of digits without CRLF from being buffered forever.
 */
const MAX_SHORT_LINE = 32;

/** How many bytes of a line are scanned in JavaScript for its end before asking `Buffer#indexOf`. */
const SHORT_SCAN = 32;

/** Beyond this many digits an integer may not be exact as a `number`, so it is parsed as a bigint. */
const MAX_EXACT_DIGITS = 15;
const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE_BIGINT = -MAX_SAFE_BIGINT;

/** Strings up to this many ASCII bytes are built in JavaScript; a native call costs more than that. */
const SMALL_TEXT = 8;
/** Buffers up to this many bytes are copied byte by byte; `Buffer#copy` has a fixed cost above that. */
const SMALL_COPY = 16;

const NO_ARRAY: unknown[] = [];

interface BufferInternals {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}
// `utf8Slice`/`latin1Slice` are what `Buffer#toString` calls after validating its arguments, which we already did.
const hasSlices =
  typeof (Buffer.prototype as unknown as Partial<BufferInternals>).utf8Slice === 'function' &&
  typeof (Buffer.prototype as unknown as Partial<BufferInternals>).latin1Slice === 'function';

function utf8(buf: Buffer, start: number, end: number): string {
  return hasSlices
    ? (buf as unknown as BufferInternals).utf8Slice(start, end)
    : buf.toString('utf8', start, end);
}

function latin1(buf: Buffer, start: number, end: number): string {
  return hasSlices
    ? (buf as unknown as BufferInternals).latin1Slice(start, end)
    : buf.toString('latin1', start, end);
}

const fromCharCode = String.fromCharCode;

/** UTF-8 text of `buf[start, end)`; short ASCII strings (the usual keys, fields and counters) skip native code. */
function decodeText(buf: Buffer, start: number, end: number): string {
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

/** The UTF-8 text of the first `length` bytes of `pieces`, decoded piece by piece (sequences may span pieces). */
function decodeTextPieces(pieces: readonly Buffer[], length: number): string {
  const decoder = new StringDecoder('utf8');
  let text = '';
  let remaining = length;
  for (let k = 0; k < pieces.length && remaining > 0; k++) {
    const piece = pieces[k]!;
    const take = Math.min(piece.length, remaining);
    text += decoder.write(take === piece.length ? piece : piece.subarray(0, take));
    remaining -= take;
  }
  return text + decoder.end();
}

/**
 * A server error reply as a value. Its stack trace would only show the decoder, and capturing one costs ten
 * times more than the rest of the error, so none is captured; the connection may attach the caller's instead.
 */
function replyError(text: string): ReplyError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const error = new ReplyError(text);
  Error.stackTraceLimit = limit;
  return error;
}

/** A fresh Buffer holding `buf[start, end)`, so that a value never keeps a whole socket chunk alive. */
function copyBytes(buf: Buffer, start: number, end: number): Buffer {
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

/** Shows a type byte in an error message without echoing anything else the server sent. */
function showByte(c: number): string {
  const hex = `0x${c.toString(16).padStart(2, '0')}`;
  return c >= 0x21 && c <= 0x7e ? `${hex} ('${String.fromCharCode(c)}')` : hex;
}

function protocolError(message: string): ProtocolError {
  return new ProtocolError(`Invalid RESP from the server: ${message}. The connection must be reset.`);
}

/** A RESP3 double line, strictly: `[+-]digits[.digits][(e|E)[+-]digits]`, `inf`, `-inf`, `nan`. */
function parseDouble(buf: Buffer, start: number, end: number): number {
  let j = start;
  let negative = false;
  const sign = buf[j];
  if (sign === T_ERROR) {
    negative = true;
    j++;
  } else if (sign === T_SIMPLE) {
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
    if (j < end && (buf[j] === T_ERROR || buf[j] === T_SIMPLE)) j++;
    const exponentStart = j;
    while (j < end && isDigit(buf[j])) j++;
    if (j === exponentStart) throw protocolError('malformed double exponent');
  }
  if (j !== end) throw protocolError('malformed double');
  return Number(latin1(buf, start, end));
}

/** A RESP3 big number line: `[+-]digits`. */
function parseBigNumber(buf: Buffer, start: number, end: number): bigint {
  let j = start;
  if (buf[j] === T_ERROR || buf[j] === T_SIMPLE) j++;
  if (j === end) throw protocolError('empty big number');
  for (; j < end; j++) {
    if (!isDigit(buf[j])) throw protocolError('malformed big number');
  }
  return BigInt(latin1(buf, start, end));
}

/** True for types whose line is a length, an integer, a boolean or a null: short by definition. */
function isShortLine(type: number): boolean {
  return type !== T_SIMPLE && type !== T_ERROR && type !== T_DOUBLE && type !== T_BIG_NUMBER;
}

/** One aggregate being filled. Frames are reused from reply to reply: no allocation per aggregate beyond its value. */
class Frame {
  /** The aggregate's type byte. */
  type = 0;
  /** Elements still to come in total: a map entry counts as two (key, value). */
  size = 0;
  /** Elements received so far. */
  index = 0;
  array: unknown[] = NO_ARRAY;
  map: Map<unknown, unknown> | null = null;
  key: unknown = undefined;
}

/**
 * Decodes a stream of RESP2/RESP3 bytes, fed chunk by chunk as they come off the socket, into JavaScript values
 * (see the module documentation for the mapping).
 *
 * A reply may be split anywhere. Partial state is kept between chunks: nested aggregates live on an explicit
 * stack of frames, an incomplete line is kept as the pieces that arrived, and a large bulk string is gathered
 * chunk by chunk and joined once when complete, so decoding is linear in the input whatever the chunking, and
 * nothing is allocated for bytes that have not arrived.
 *
 * Handlers must not call `feed()` from inside a handler. If a handler throws, the exception propagates out of
 * `feed()`, the rest of that chunk is lost, and the decoder must be `reset()` like after a protocol error.
 */
export class RespDecoder {
  /**
   * Decode bulk and verbatim strings (including map keys) as `Buffer`s instead of UTF-8 strings. Read each time
   * such a string is produced; flip it from `onReply` to change the mode for the next reply.
   */
  returnBuffers = false;

  private readonly handlers: DecoderHandlers;
  private readonly maxNesting: number;
  private readonly maxBulkLength: number;

  /** Aggregates being filled, innermost last; `frames[0, depth)` are in use. */
  private readonly frames: Frame[] = [];
  private depth = 0;

  /** An element whose first line is incomplete: the pieces that arrived, from its type byte on. */
  private pending: Buffer[] | null = null;
  private pendingBytes = 0;

  /** A bulk, bulk error or verbatim string whose payload is incomplete: its type byte, or 0 when none. */
  private bulkType = 0;
  private bulkLength = 0;
  /** What arrived of the payload (and its CRLF) so far. */
  private bulkChunks: Buffer[] = [];
  private bulkBytes = 0;

  /** Where the last `readLength` or `readInteger` call ended (the index after the CRLF); -1 when incomplete. */
  private pos = 0;
  /** Bumped by `reset()`, so that a reset from inside a handler stops the decoding of the current chunk. */
  private generation = 0;
  private failed = false;

  constructor(handlers: DecoderHandlers, options: DecoderOptions = {}) {
    const maxNesting = options.maxNesting ?? DEFAULT_MAX_NESTING;
    const maxBulkLength = options.maxBulkLength ?? DEFAULT_MAX_BULK_LENGTH;
    if (!Number.isSafeInteger(maxNesting) || maxNesting < 1) {
      throw new ConfigError(`maxNesting must be a positive integer; got ${String(maxNesting)}`);
    }
    if (!Number.isSafeInteger(maxBulkLength) || maxBulkLength < 0) {
      throw new ConfigError(`maxBulkLength must be a non-negative integer; got ${String(maxBulkLength)}`);
    }
    this.handlers = handlers;
    this.maxNesting = maxNesting;
    this.maxBulkLength = maxBulkLength;
  }

  /**
   * Bytes held for a reply that has not completed: an incomplete line, or what arrived of a large bulk string.
   * Never more than what was fed, and never more than `maxBulkLength` plus a few bytes.
   */
  get bufferedBytes(): number {
    return this.pendingBytes + this.bulkBytes;
  }

  /**
   * Decodes as much of `chunk` (and what was kept from earlier chunks) as possible, calling the handlers for each
   * complete value. Throws a `ProtocolError` on invalid input; the decoder is then unusable until `reset()`.
   */
  feed(chunk: Buffer): void {
    if (this.failed) {
      throw new ProtocolError('The RESP decoder failed earlier; reset() it before feeding more data.');
    }
    try {
      const generation = this.generation;
      let offset = 0;
      if (this.pending !== null) {
        offset = this.finishLine(chunk);
        if (offset === -1 || generation !== this.generation) return;
      }
      if (this.bulkType !== 0) {
        offset = this.finishBulk(chunk, offset);
        if (offset === -1 || generation !== this.generation) return;
      }
      if (offset < chunk.length) this.parse(chunk, offset);
    } catch (error) {
      this.failed = true;
      throw error;
    }
  }

  /** Forgets everything partially decoded and any earlier failure, e.g. when the connection is re-established. */
  reset(): void {
    for (let d = 0; d < this.depth; d++) {
      const frame = this.frames[d]!;
      frame.array = NO_ARRAY;
      frame.map = null;
      frame.key = undefined;
    }
    this.depth = 0;
    this.pending = null;
    this.pendingBytes = 0;
    this.bulkType = 0;
    this.bulkLength = 0;
    this.bulkChunks = [];
    this.bulkBytes = 0;
    this.failed = false;
    this.generation++;
  }

  /**
   * Continues an element whose first line was incomplete. Returns where parsing continues in `chunk`, or -1 when
   * the line is still incomplete.
   */
  private finishLine(chunk: Buffer): number {
    const pending = this.pending!;
    const type = pending[0]![0]!;
    const limit = isShortLine(type) ? MAX_SHORT_LINE : this.maxBulkLength + 3;
    const lf = chunk.indexOf(LF);
    if (lf === -1) {
      this.checkLineLength(type, this.pendingBytes + chunk.length, limit);
      pending.push(chunk);
      this.pendingBytes += chunk.length;
      return -1;
    }
    const lineBytes = this.pendingBytes + lf + 1;
    this.checkLineLength(type, lineBytes, limit);
    pending.push(chunk.subarray(0, lf + 1));
    // Only the line is joined, never the rest of the chunk: it holds one element (or a bulk header).
    const line = Buffer.concat(pending, lineBytes);
    this.pending = null;
    this.pendingBytes = 0;
    this.parse(line, 0);
    // A line that ends in LF is either complete or malformed; parse() cannot have kept it again.
    if (this.pending !== null) throw protocolError('malformed line');
    return lf + 1;
  }

  private checkLineLength(type: number, bytes: number, limit: number): void {
    if (bytes > limit) {
      throw protocolError(
        isShortLine(type)
          ? `the line of a ${showByte(type)} element is longer than ${MAX_SHORT_LINE} bytes`
          : `a ${showByte(type)} line is longer than maxBulkLength (${this.maxBulkLength})`,
      );
    }
  }

  /**
   * Continues a bulk string whose payload was incomplete. Returns where parsing continues in `chunk`, or -1 when
   * the payload is still incomplete.
   */
  private finishBulk(chunk: Buffer, offset: number): number {
    const need = this.bulkLength + 2 - this.bulkBytes;
    const available = chunk.length - offset;
    const chunks = this.bulkChunks;
    if (available < need) {
      if (available > 0) {
        chunks.push(offset === 0 ? chunk : chunk.subarray(offset));
        this.bulkBytes += available;
      }
      return -1;
    }
    chunks.push(chunk.subarray(offset, offset + need));
    const length = this.bulkLength;
    const type = this.bulkType;
    this.bulkType = 0;
    this.bulkLength = 0;
    this.bulkChunks = [];
    this.bulkBytes = 0;
    const count = chunks.length;
    if (count > 1 && type === T_BULK && !this.returnBuffers) {
      // Text is decoded piece by piece: no joined copy of the bytes is needed at all.
      const last = chunks[count - 1]!;
      const cr = last.length > 1 ? last[last.length - 2] : chunks[count - 2]![chunks[count - 2]!.length - 1];
      if (cr !== CR || last[last.length - 1] !== LF) {
        throw protocolError(`missing CRLF after a ${showByte(type)} payload`);
      }
      this.emit(decodeTextPieces(chunks, length));
      return offset + need;
    }
    // Joined once, when complete: linear in the size of the value however it was chunked.
    const owned = count > 1;
    const whole = owned ? Buffer.concat(chunks, length + 2) : chunks[0]!;
    if (whole[length] !== CR || whole[length + 1] !== LF) {
      throw protocolError(`missing CRLF after a ${showByte(type)} payload`);
    }
    this.emit(this.stringValue(type, whole, 0, length, owned));
    return offset + need;
  }

  /** Keeps the start of an element whose first line is incomplete, from its type byte `buf[start]` on. */
  private keepLine(buf: Buffer, start: number): void {
    const type = buf[start]!;
    const bytes = buf.length - start;
    this.checkLineLength(type, bytes, isShortLine(type) ? MAX_SHORT_LINE : this.maxBulkLength + 3);
    this.pending = [buf.subarray(start)];
    this.pendingBytes = bytes;
  }

  /** Keeps what arrived of a bulk payload that starts at `buf[start]` and is `length` bytes long. */
  private keepBulk(type: number, length: number, buf: Buffer, start: number): void {
    this.bulkType = type;
    this.bulkLength = length;
    if (start < buf.length) {
      this.bulkChunks.push(buf.subarray(start));
      this.bulkBytes = buf.length - start;
    }
  }

  /**
   * The value of a bulk (`$`), bulk error (`!`) or verbatim (`=`) string `buf[start, end)`. `owned` means `buf`
   * belongs to the decoder, so a Buffer value may be a view of it instead of a copy.
   */
  private stringValue(type: number, buf: Buffer, start: number, end: number, owned: boolean): unknown {
    if (type === T_BULK_ERROR) return replyError(utf8(buf, start, end));
    let from = start;
    if (type === T_VERBATIM) {
      // `txt:` or `mkd:`: three bytes of format and a colon.
      if (end - start < 4 || buf[start + 3] !== 58) {
        throw protocolError('a verbatim string without its format prefix');
      }
      from += 4;
    }
    if (this.returnBuffers) return owned ? buf.subarray(from, end) : copyBytes(buf, from, end);
    return decodeText(buf, from, end);
  }

  /**
   * Reads the length line of a `$ * % ~ > | ! =` element whose type byte is `buf[start]`. Returns the length
   * (-1 for a null) and sets `pos` past the CRLF, or returns INCOMPLETE. Throws on a malformed or too large length.
   */
  private readLength(buf: Buffer, start: number): number {
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
    if (n > this.maxBulkLength) {
      throw protocolError(`a ${showByte(buf[start]!)} length above maxBulkLength (${this.maxBulkLength})`);
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
    this.pos = j + 2;
    return n;
  }

  /** Reads an integer line (`:`) whose type byte is `buf[start]`; sets `pos` past the CRLF, or to -1 when incomplete. */
  private readInteger(buf: Buffer, start: number): number | bigint {
    const length = buf.length;
    let j = start + 1;
    const sign = buf[j];
    const negative = sign === T_ERROR;
    if (negative || sign === T_SIMPLE) j++;
    const first = j;
    let n = 0;
    while (j < length) {
      const c = buf[j]!;
      if (c === CR) break;
      if (c < 48 || c > 57) throw protocolError('malformed integer');
      n = n * 10 + (c - 48);
      j++;
    }
    if (j - first > 20) throw protocolError('an integer longer than 20 digits');
    if (j + 1 >= length) {
      this.pos = -1;
      return 0;
    }
    if (buf[j + 1] !== LF) throw protocolError('missing LF after an integer');
    if (j === first) throw protocolError('empty integer');
    this.pos = j + 2;
    // `0 - n` rather than `-n`: `:-0` is the integer 0, not the double -0.
    if (j - first <= MAX_EXACT_DIGITS) return negative ? 0 - n : n;
    const big = BigInt(latin1(buf, start + 1, j));
    return big > MAX_SAFE_BIGINT || big < MIN_SAFE_BIGINT ? big : Number(big);
  }

  /**
   * The end (the CR) of the line that starts with the type byte at `buf[start]`, or -1 when it is incomplete.
   * Throws when the LF is not preceded by a CR, or the line is too long.
   */
  private lineEnd(buf: Buffer, start: number): number {
    const length = buf.length;
    // Most lines are short: look at their first bytes in JavaScript, cheaper than a call into native code.
    const stop = Math.min(start + SHORT_SCAN, length);
    let lf = -1;
    for (let j = start + 1; j < stop; j++) {
      if (buf[j] === LF) {
        lf = j;
        break;
      }
    }
    if (lf === -1) {
      if (stop === length) return -1;
      lf = buf.indexOf(LF, stop);
      if (lf === -1) return -1;
    }
    if (buf[lf - 1] !== CR)
      throw protocolError(`a line not ended by CRLF in a ${showByte(buf[start]!)} element`);
    if (lf - 2 - start > this.maxBulkLength) {
      throw protocolError(
        `a ${showByte(buf[start]!)} line is longer than maxBulkLength (${this.maxBulkLength})`,
      );
    }
    return lf - 1;
  }

  /** Delivers a complete value: to its aggregate, or to the handlers at top level. */
  private emit(value: unknown): void {
    if (this.depth === 0) this.handlers.onReply(value);
    else this.append(value);
  }

  /** Adds a value to the innermost aggregate, and delivers every aggregate that this completes. */
  private append(value: unknown): void {
    let v = value;
    let depth = this.depth;
    for (;;) {
      const frame = this.frames[depth - 1]!;
      const type = frame.type;
      const isMap = type === T_MAP || type === T_ATTRIBUTE;
      if (!isMap) frame.array[frame.index] = v;
      else if ((frame.index & 1) === 0) frame.key = v;
      else frame.map!.set(frame.key, v);
      if (++frame.index < frame.size) return;
      this.depth = --depth;
      if (isMap) {
        const map = frame.map!;
        frame.map = null;
        frame.key = undefined;
        if (type === T_ATTRIBUTE) {
          // Not a value: the element it describes comes next, in the same place.
          this.handlers.onAttribute?.(map);
          return;
        }
        v = map;
      } else {
        v = frame.array;
        frame.array = NO_ARRAY;
      }
      if (depth === 0) {
        if (type === T_PUSH) this.handlers.onPush(v as unknown[]);
        else this.handlers.onReply(v);
        return;
      }
    }
  }

  private tooDeep(): ProtocolError {
    return protocolError(`aggregates nested deeper than maxNesting (${this.maxNesting})`);
  }

  /** Opens an aggregate of `n` > 0 elements; `available` is how many bytes are left in the current buffer. */
  private open(type: number, n: number, available: number): void {
    if (this.depth >= this.maxNesting) throw this.tooDeep();
    let frame = this.frames[this.depth];
    if (frame === undefined) {
      frame = new Frame();
      this.frames.push(frame);
    }
    this.depth++;
    frame.type = type;
    frame.index = 0;
    if (type === T_MAP || type === T_ATTRIBUTE) {
      frame.size = n * 2;
      frame.map = new Map();
    } else {
      frame.size = n;
      // Every element takes at least 3 bytes: never reserve room for elements that have not arrived.
      frame.array = n * 3 <= available ? new Array(n) : [];
    }
  }

  /** Decodes elements from `buf[start]` on until the buffer ends; keeps an incomplete one for the next chunk. */
  private parse(buf: Buffer, start: number): void {
    const length = buf.length;
    const generation = this.generation;
    let i = start;
    while (i < length) {
      const type = buf[i]!;
      let value: unknown;
      switch (type) {
        case T_SIMPLE: {
          if (
            i + 4 < length &&
            buf[i + 1] === 79 /* O */ &&
            buf[i + 2] === 75 /* K */ &&
            buf[i + 3] === CR &&
            buf[i + 4] === LF
          ) {
            value = 'OK';
            i += 5;
            break;
          }
          const end = this.lineEnd(buf, i);
          if (end === -1) {
            this.keepLine(buf, i);
            return;
          }
          value = decodeText(buf, i + 1, end);
          i = end + 2;
          break;
        }
        case T_BULK:
        case T_BULK_ERROR:
        case T_VERBATIM: {
          const n = this.readLength(buf, i);
          if (n === INCOMPLETE) {
            this.keepLine(buf, i);
            return;
          }
          const from = this.pos;
          if (n === -1) {
            if (type !== T_BULK) throw protocolError(`a null ${showByte(type)} element`);
            value = null;
            i = from;
            break;
          }
          const end = from + n;
          if (end + 1 >= length) {
            this.keepBulk(type, n, buf, from);
            return;
          }
          if (buf[end] !== CR || buf[end + 1] !== LF) {
            throw protocolError(`missing CRLF after a ${showByte(type)} payload`);
          }
          if (type === T_BULK) {
            value = this.returnBuffers ? copyBytes(buf, from, end) : decodeText(buf, from, end);
          } else {
            value = this.stringValue(type, buf, from, end, false);
          }
          i = end + 2;
          break;
        }
        case T_INTEGER: {
          // Fast path: a small non-negative integer, whole in this buffer.
          let j = i + 1;
          let n = 0;
          while (j < length) {
            const c = buf[j]!;
            if (c < 48 || c > 57) break;
            n = n * 10 + (c - 48);
            j++;
          }
          if (j > i + 1 && j - i - 1 <= MAX_EXACT_DIGITS && buf[j] === CR && buf[j + 1] === LF) {
            value = n;
            i = j + 2;
            break;
          }
          value = this.readInteger(buf, i);
          if (this.pos === -1) {
            this.keepLine(buf, i);
            return;
          }
          i = this.pos;
          break;
        }
        case T_ARRAY:
        case T_SET:
        case T_MAP:
        case T_PUSH:
        case T_ATTRIBUTE: {
          const n = this.readLength(buf, i);
          if (n === INCOMPLETE) {
            this.keepLine(buf, i);
            return;
          }
          i = this.pos;
          if (n > 0) {
            this.open(type, n, length - i);
            continue;
          }
          if (n === -1) {
            if (type === T_PUSH || type === T_ATTRIBUTE)
              throw protocolError(`a null ${showByte(type)} element`);
            value = null;
            break;
          }
          // An empty aggregate opens no frame, but still counts as a level of nesting.
          if (this.depth >= this.maxNesting) throw this.tooDeep();
          if (type === T_ATTRIBUTE) {
            this.handlers.onAttribute?.(new Map());
            if (generation !== this.generation) return;
            continue;
          }
          if (type === T_PUSH && this.depth === 0) {
            this.handlers.onPush([]);
            if (generation !== this.generation) return;
            continue;
          }
          value = type === T_MAP ? new Map() : [];
          break;
        }
        case T_ERROR: {
          const end = this.lineEnd(buf, i);
          if (end === -1) {
            this.keepLine(buf, i);
            return;
          }
          value = replyError(utf8(buf, i + 1, end));
          i = end + 2;
          break;
        }
        case T_NULL: {
          const a = buf[i + 1];
          const b = buf[i + 2];
          if ((a !== undefined && a !== CR) || (b !== undefined && b !== LF)) {
            throw protocolError('malformed null');
          }
          if (b === undefined) {
            this.keepLine(buf, i);
            return;
          }
          value = null;
          i += 3;
          break;
        }
        case T_BOOLEAN: {
          const a = buf[i + 1];
          const b = buf[i + 2];
          const c = buf[i + 3];
          if (
            (a !== undefined && a !== 116 /* t */ && a !== 102) /* f */ ||
            (b !== undefined && b !== CR) ||
            (c !== undefined && c !== LF)
          ) {
            throw protocolError('malformed boolean');
          }
          if (c === undefined) {
            this.keepLine(buf, i);
            return;
          }
          value = a === 116;
          i += 4;
          break;
        }
        case T_DOUBLE: {
          const end = this.lineEnd(buf, i);
          if (end === -1) {
            this.keepLine(buf, i);
            return;
          }
          value = parseDouble(buf, i + 1, end);
          i = end + 2;
          break;
        }
        case T_BIG_NUMBER: {
          const end = this.lineEnd(buf, i);
          if (end === -1) {
            this.keepLine(buf, i);
            return;
          }
          value = parseBigNumber(buf, i + 1, end);
          i = end + 2;
          break;
        }
        default:
          throw protocolError(`unknown type byte ${showByte(type)}`);
      }
      if (this.depth === 0) this.handlers.onReply(value);
      else this.append(value);
      if (generation !== this.generation) return;
    }
  }
}
