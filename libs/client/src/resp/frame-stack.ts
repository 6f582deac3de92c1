/**
 * The decoder's stack of aggregates being filled (`s.frames[0, s.depth)`): opening one when its header is read,
 * adding each decoded element to the innermost, delivering each as it completes.
 */
import { type DecoderState, Frame } from './decoder-state.js';
import { protocolError } from './resp-syntax.js';

// The type bytes are literals in these hot functions: see integer-reader.ts.

const NO_ARRAY: unknown[] = [];

/** Opens an aggregate of `n` > 0 elements; `available` is how many bytes are left in the current buffer. */
export function openAggregate(s: DecoderState, type: number, n: number, available: number): void {
  if (s.depth >= s.maxNesting) throw tooDeep(s);
  let frame = s.frames[s.depth];
  if (frame === undefined) {
    frame = new Frame();
    s.frames.push(frame);
  }
  s.depth++;
  frame.type = type;
  frame.index = 0;
  if (type === 37 /* % */ || type === 124 /* | */) {
    frame.size = n * 2;
    frame.map = new Map();
  } else {
    frame.size = n;
    // Every element takes at least 3 bytes: never reserve room for elements that have not arrived.
    frame.array = n * 3 <= available ? new Array(n) : [];
  }
}

/** Adds a value to the innermost aggregate, and delivers every aggregate that this completes. */
export function appendValue(s: DecoderState, value: unknown): void {
  let v = value;
  let depth = s.depth;
  for (;;) {
    const frame = s.frames[depth - 1]!;
    const type = frame.type;
    const isMap = type === 37 /* % map */ || type === 124; /* | attribute */
    if (!isMap) frame.array[frame.index] = v;
    else if ((frame.index & 1) === 0) frame.key = v;
    else frame.map!.set(frame.key, v);
    if (++frame.index < frame.size) return;
    s.depth = --depth;
    if (isMap) {
      const map = frame.map!;
      frame.map = null;
      frame.key = undefined;
      if (type === 124 /* | */) {
        // Not a value: the element it describes comes next, in the same place.
        s.handlers.onAttribute?.(map);
        return;
      }
      v = map;
    } else {
      v = frame.array;
      frame.array = NO_ARRAY;
    }
    if (depth === 0) {
      if (type === 62 /* > */) s.handlers.onPush(v as unknown[]);
      else s.handlers.onReply(v);
      return;
    }
  }
}

/** Delivers a complete value: to its aggregate, or to the handlers at top level. */
export function emitValue(s: DecoderState, value: unknown): void {
  if (s.depth === 0) s.handlers.onReply(value);
  else appendValue(s, value);
}

export function tooDeep(s: DecoderState): Error {
  return protocolError(`aggregates nested deeper than maxNesting (${s.maxNesting})`);
}
