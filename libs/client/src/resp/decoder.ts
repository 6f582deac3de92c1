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
import { ConfigError, ProtocolError } from '../errors.js';
import { FrameStack } from './frame-stack.js';
import { cursor, INCOMPLETE, readInteger, readLength, readSmallInteger } from './integer-reader.js';
import { lineEnd } from './line-reader.js';
import { NOT_YET, PartialElement } from './partial-element.js';
import {
  CR,
  DEFAULT_MAX_BULK_LENGTH,
  DEFAULT_MAX_NESTING,
  LF,
  protocolError,
  showByte,
  T_ARRAY,
  T_ATTRIBUTE,
  T_BIG_NUMBER,
  T_BOOLEAN,
  T_BULK,
  T_BULK_ERROR,
  T_DOUBLE,
  T_ERROR,
  T_INTEGER,
  T_MAP,
  T_NULL,
  T_PUSH,
  T_SET,
  T_SIMPLE,
  T_VERBATIM,
} from './resp-syntax.js';
import { copyBytes, decodeText, lineValue, stringValue } from './scalar-readers.js';

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
  maxNesting?: number;
  /**
   * The largest bulk string, and the most elements in one aggregate, accepted; also caps the length of a simple
   * string, error, double or big number line. Default 512 MiB, the server's own `proto-max-bulk-len` default.
   */
  maxBulkLength?: number;
}

/**
 * Decodes a stream of RESP2/RESP3 bytes, fed chunk by chunk as they come off the socket, into JavaScript values
 * (see the module documentation for the mapping).
 *
 * A reply may be split anywhere. Partial state is kept between chunks: nested aggregates live on an explicit
 * stack of frames (`FrameStack`), an incomplete line or bulk payload is kept as the pieces that arrived
 * (`PartialElement`), so decoding is linear in the input whatever the chunking, and nothing is allocated for bytes
 * that have not arrived. Lines are read by `line-reader.ts`, numbers by `integer-reader.ts`, values by
 * `scalar-readers.ts`.
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
  private readonly maxBulkLength: number;
  private readonly stack: FrameStack;
  private readonly partial: PartialElement;
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
    this.maxBulkLength = maxBulkLength;
    this.stack = new FrameStack(handlers, maxNesting);
    this.partial = new PartialElement(maxBulkLength);
  }

  /**
   * Bytes held for a reply that has not completed: an incomplete line, or what arrived of a large bulk string.
   * Never more than what was fed, and never more than `maxBulkLength` plus a few bytes.
   */
  get bufferedBytes(): number {
    return this.partial.bytes;
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
      const partial = this.partial;
      let offset = 0;
      if (partial.line !== null) {
        const line = partial.takeLine(chunk);
        if (line === null) return;
        this.parse(line, 0);
        // A line that ends in LF is either complete or malformed; parse() cannot have kept it again.
        if (partial.line !== null) throw protocolError('malformed line');
        if (generation !== this.generation) return;
        offset = partial.next;
      }
      if (partial.bulkType !== 0) {
        const value = partial.takeBulk(chunk, offset, this.returnBuffers);
        if (value === NOT_YET) return;
        this.stack.emit(value);
        if (generation !== this.generation) return;
        offset = partial.next;
      }
      if (offset < chunk.length) this.parse(chunk, offset);
    } catch (error) {
      this.failed = true;
      throw error;
    }
  }

  /** Forgets everything partially decoded and any earlier failure, e.g. when the connection is re-established. */
  reset(): void {
    this.stack.reset();
    this.partial.reset();
    this.failed = false;
    this.generation++;
  }

  /** Decodes elements from `buf[start]` on until the buffer ends; keeps an incomplete one for the next chunk. */
  private parse(buf: Buffer, start: number): void {
    const length = buf.length;
    const generation = this.generation;
    const stack = this.stack;
    let i = start;
    while (i < length) {
      const type = buf[i]!;
      let value: unknown;
      switch (type) {
        case T_SIMPLE: {
          // First, and with a shortcut: `+OK` is the most common reply of all.
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
          const end = lineEnd(buf, i, this.maxBulkLength);
          if (end === -1) {
            this.partial.keepLine(buf, i);
            return;
          }
          value = decodeText(buf, i + 1, end);
          i = end + 2;
          break;
        }
        case T_BULK:
        case T_BULK_ERROR:
        case T_VERBATIM: {
          const n = readLength(buf, i, this.maxBulkLength);
          if (n === INCOMPLETE) {
            this.partial.keepLine(buf, i);
            return;
          }
          const from = cursor.next;
          if (n === -1) {
            if (type !== T_BULK) throw protocolError(`a null ${showByte(type)} element`);
            value = null;
            i = from;
            break;
          }
          const end = from + n;
          if (end + 1 >= length) {
            this.partial.keepBulk(type, n, buf, from);
            return;
          }
          if (buf[end] !== CR || buf[end + 1] !== LF) {
            throw protocolError(`missing CRLF after a ${showByte(type)} payload`);
          }
          if (type === T_BULK) {
            value = this.returnBuffers ? copyBytes(buf, from, end) : decodeText(buf, from, end);
          } else {
            value = stringValue(type, buf, from, end, false, this.returnBuffers);
          }
          i = end + 2;
          break;
        }
        case T_INTEGER: {
          const small = readSmallInteger(buf, i);
          if (small !== -1) {
            value = small;
            i = cursor.next;
            break;
          }
          value = readInteger(buf, i);
          if (cursor.next === -1) {
            this.partial.keepLine(buf, i);
            return;
          }
          i = cursor.next;
          break;
        }
        case T_ARRAY:
        case T_SET:
        case T_MAP:
        case T_PUSH:
        case T_ATTRIBUTE: {
          const n = readLength(buf, i, this.maxBulkLength);
          if (n === INCOMPLETE) {
            this.partial.keepLine(buf, i);
            return;
          }
          i = cursor.next;
          if (n > 0) {
            stack.open(type, n, length - i);
            continue;
          }
          if (n === -1) {
            if (type === T_PUSH || type === T_ATTRIBUTE)
              throw protocolError(`a null ${showByte(type)} element`);
            value = null;
            break;
          }
          // An empty aggregate opens no frame, but still counts as a level of nesting.
          stack.checkNesting();
          if (type === T_ATTRIBUTE || (type === T_PUSH && stack.depth === 0)) {
            if (type === T_ATTRIBUTE) this.handlers.onAttribute?.(new Map());
            else this.handlers.onPush([]);
            if (generation !== this.generation) return;
            continue;
          }
          value = type === T_MAP ? new Map() : [];
          break;
        }
        case T_ERROR:
        case T_DOUBLE:
        case T_BIG_NUMBER: {
          const end = lineEnd(buf, i, this.maxBulkLength);
          if (end === -1) {
            this.partial.keepLine(buf, i);
            return;
          }
          value = lineValue(type, buf, i + 1, end);
          i = end + 2;
          break;
        }
        case T_NULL:
        case T_BOOLEAN: {
          // `_\r\n`, `#t\r\n`, `#f\r\n`: checked byte by byte as far as they arrived.
          const a = buf[i + 1];
          const isNull = type === T_NULL;
          const cr = isNull ? a : buf[i + 2];
          const lf = isNull ? buf[i + 2] : buf[i + 3];
          const badHead = isNull ? a !== undefined && a !== CR : a !== undefined && a !== 116 && a !== 102;
          if (badHead || (cr !== undefined && cr !== CR) || (lf !== undefined && lf !== LF)) {
            throw protocolError(isNull ? 'malformed null' : 'malformed boolean');
          }
          if (lf === undefined) {
            this.partial.keepLine(buf, i);
            return;
          }
          value = isNull ? null : a === 116 /* t */;
          i += isNull ? 3 : 4;
          break;
        }
        default:
          throw protocolError(`unknown type byte ${showByte(type)}`);
      }
      if (stack.depth === 0) this.handlers.onReply(value);
      else stack.append(value);
      if (generation !== this.generation) return;
    }
  }
}
