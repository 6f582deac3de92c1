/** The decoder's stack of aggregates being filled: arrays, sets, maps, pushes and attributes, nested. */
import type { DecoderHandlers } from './decoder.js';
import { protocolError, T_ATTRIBUTE, T_MAP, T_PUSH } from './resp-syntax.js';

const NO_ARRAY: unknown[] = [];

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
 * Aggregates being filled, innermost last, and where complete values go: into the innermost aggregate, or to the
 * handlers at top level. Nesting deeper than `maxNesting` is a protocol error.
 */
export class FrameStack {
  /** How many aggregates are open: `frames[0, depth)` are in use. */
  depth = 0;
  private readonly frames: Frame[] = [];

  constructor(
    private readonly handlers: DecoderHandlers,
    private readonly maxNesting: number,
  ) {}

  /** Delivers a complete value: to its aggregate, or to the handlers at top level. */
  emit(value: unknown): void {
    if (this.depth === 0) this.handlers.onReply(value);
    else this.append(value);
  }

  /** Adds a value to the innermost aggregate, and delivers every aggregate that this completes. */
  append(value: unknown): void {
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

  /** Opens an aggregate of `n` > 0 elements; `available` is how many bytes are left in the current buffer. */
  open(type: number, n: number, available: number): void {
    this.checkNesting();
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

  /** Throws when one more level of nesting would exceed `maxNesting` (an empty aggregate counts too). */
  checkNesting(): void {
    if (this.depth >= this.maxNesting) {
      throw protocolError(`aggregates nested deeper than maxNesting (${this.maxNesting})`);
    }
  }

  /** Drops every open aggregate. */
  reset(): void {
    for (let d = 0; d < this.depth; d++) {
      const frame = this.frames[d]!;
      frame.array = NO_ARRAY;
      frame.map = null;
      frame.key = undefined;
    }
    this.depth = 0;
  }
}
