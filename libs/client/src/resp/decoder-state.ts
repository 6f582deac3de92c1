/**
 * Everything a `RespDecoder` keeps between two bytes: one object of fixed shape, created once per decoder, that the
 * decoder's parts (the parse loop, the frame stack, the partial element, the integer reader) read and write.
 * Nothing in it is allocated per reply.
 */
import type { DecoderHandlers } from './decoder.js';

const NO_ARRAY: unknown[] = [];

/** One aggregate being filled. Frames are reused from reply to reply: no allocation per aggregate beyond its value. */
export class Frame {
  /** The aggregate's type byte. */
  type = 0;
  /** Elements still to come in total: a map entry counts as two (key, value). */
  size = 0;
  /** Elements received so far. */
  index = 0;
  array: unknown[] = NO_ARRAY;
  map: Map<unknown, unknown> | null = null;
  key: unknown = undefined;

  /** Lets go of the value being built, so that a finished or abandoned reply is not kept alive. */
  release(): void {
    this.array = NO_ARRAY;
    this.map = null;
    this.key = undefined;
  }
}

export class DecoderState {
  /** See `RespDecoder.returnBuffers`. */
  returnBuffers = false;

  /** Aggregates being filled, innermost last; `frames[0, depth)` are in use. */
  readonly frames: Frame[] = [];
  depth = 0;

  /** An element whose first line is incomplete: the pieces that arrived, from its type byte on. */
  pending: Buffer[] | null = null;
  pendingBytes = 0;

  /** A bulk, bulk error or verbatim string whose payload is incomplete: its type byte, or 0 when none. */
  bulkType = 0;
  bulkLength = 0;
  /** What arrived of the payload (and its CRLF) so far, copied into its own buffer (grown as bytes arrive). */
  bulkDest: Buffer | null = null;
  bulkBytes = 0;

  /** After a pending line is completed, where the decoding of the chunk continues. */
  pos = 0;
  /** The value of the last integer or length line read (`readIntegerLine`). */
  integer: number | bigint = 0;
  /** Bumped by `reset()`, so that a reset from inside a handler stops the decoding of the current chunk. */
  generation = 0;
  failed = false;

  constructor(
    readonly handlers: DecoderHandlers,
    readonly maxNesting: number,
    readonly maxBulkLength: number,
  ) {}

  /** Forgets everything partially decoded and any earlier failure. */
  reset(): void {
    for (let d = 0; d < this.depth; d++) this.frames[d]!.release();
    this.depth = 0;
    this.pending = null;
    this.pendingBytes = 0;
    this.bulkType = 0;
    this.bulkLength = 0;
    this.bulkDest = null;
    this.bulkBytes = 0;
    this.failed = false;
    this.generation++;
  }
}
