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
 * so a connection can flip it between replies. Buffers handed out never share memory with the fed chunks or the read buffer.
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
import { DecoderState } from './decoder-state.js';
import { parseElements } from './parse-elements.js';
import { finishBulk, takeLine } from './partial-element.js';
import { protocolError } from './resp-syntax.js';

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

/**
 * Decodes a stream of RESP2/RESP3 bytes, fed chunk by chunk as they come off the socket, into JavaScript values
 * (see the module documentation for the mapping).
 *
 * A reply may be split anywhere. Partial state is kept between chunks: nested aggregates live on an explicit
 * stack of frames (`frame-stack.ts`), an incomplete line is kept as copies of the pieces that arrived, and a large
 * bulk string is copied into its own buffer as it arrives (at its full length up to 6 MiB, else from 4 MiB doubled
 * as bytes arrive; `partial-element.ts`), so decoding is linear in the input whatever the chunking, and nothing
 * kept is a view of a chunk: a socket may read into one buffer it reuses (`feedRead`, Node's `onread`).
 *
 * Handlers must not call `feed()` from inside a handler. If a handler throws, the exception propagates out of
 * `feed()`, the rest of that chunk is lost, and the decoder must be `reset()` like after a protocol error.
 */
export class RespDecoder {
  /** All the decoding state, in one object of fixed shape that the decoder's parts share. */
  private readonly state: DecoderState;

  constructor(handlers: DecoderHandlers, options: DecoderOptions = {}) {
    const maxNesting = options.maxNesting ?? DEFAULT_MAX_NESTING;
    const maxBulkLength = options.maxBulkLength ?? DEFAULT_MAX_BULK_LENGTH;
    if (!Number.isSafeInteger(maxNesting) || maxNesting < 1) {
      throw new ConfigError(`maxNesting must be a positive integer; got ${String(maxNesting)}`);
    }
    if (!Number.isSafeInteger(maxBulkLength) || maxBulkLength < 0) {
      throw new ConfigError(`maxBulkLength must be a non-negative integer; got ${String(maxBulkLength)}`);
    }
    this.state = new DecoderState(handlers, maxNesting, maxBulkLength);
  }

  /**
   * Decode bulk and verbatim strings (including map keys) as `Buffer`s instead of UTF-8 strings. Read each time
   * such a string is produced; flip it from `onReply` to change the mode for the next reply.
   */
  get returnBuffers(): boolean {
    return this.state.returnBuffers;
  }

  set returnBuffers(value: boolean) {
    this.state.returnBuffers = value;
  }

  /**
   * Bytes held for a reply that has not completed: an incomplete line, or what arrived of a large bulk string.
   * Never more than what was fed, and never more than `maxBulkLength` plus a few bytes.
   */
  get bufferedBytes(): number {
    return this.state.pendingBytes + this.state.bulkBytes;
  }

  /**
   * Decodes as much of `chunk` (and what was kept from earlier chunks) as possible, calling the handlers for each
   * complete value. Nothing kept or handed out is a view of `chunk`: it may be reused once this returns. Throws a
   * `ProtocolError` on invalid input; the decoder is then unusable until `reset()`.
   */
  feed(chunk: Buffer): void {
    const s = this.state;
    if (s.failed) {
      throw new ProtocolError('The RESP decoder failed earlier; reset() it before feeding more data.');
    }
    try {
      const generation = s.generation;
      let offset = 0;
      if (s.pending !== null) {
        const line = takeLine(s, chunk);
        if (line === null) return;
        offset = s.pos;
        parseElements(s, line, 0);
        // A line that ends in LF is either complete or malformed; the parse cannot have kept it again.
        if (s.pending !== null) throw protocolError('malformed line');
        if (generation !== s.generation) return;
      }
      if (s.bulkType !== 0) {
        offset = finishBulk(s, chunk, offset);
        if (offset === -1 || generation !== s.generation) return;
      }
      if (offset < chunk.length) parseElements(s, chunk, offset);
    } catch (error) {
      s.failed = true;
      throw error;
    }
  }

  /**
   * Decodes the `nread` bytes a socket read put at the start of `target`, a buffer that may be reused and
   * overwritten as soon as this returns. Throws like {@link feed}.
   */
  feedRead(target: Buffer, nread: number): void {
    this.feed(nread === target.length ? target : target.subarray(0, nread));
  }

  /** Forgets everything partially decoded and any earlier failure, e.g. when the connection is re-established. */
  reset(): void {
    this.state.reset();
  }
}
