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
  const frame = s.frames[s.depth] ?? addFrame(s);
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

/** A new frame on top of the stack, the first time an aggregate is nested this deep. */
function addFrame(s: DecoderState): Frame {
  const frame = new Frame();
  s.frames.push(frame);
  return frame;
}

/** Adds a value to the innermost aggregate, and delivers it if this completes it. */
export function appendValue(s: DecoderState, value: unknown): void {
  const frame = s.frames[s.depth - 1]!;
  const type = frame.type;
  if (type !== 37 /* % map */ && type !== 124 /* | attribute */) frame.array[frame.index] = value;
  else if ((frame.index & 1) === 0) frame.key = value;
  else frame.map!.set(frame.key, value);
  // Once per aggregate, out of the per-element path (which V8 inlines into the parse loop).
  if (++frame.index === frame.size) closeFrames(s, frame);
}

/**
 * Delivers the innermost aggregate, complete: to its parent, and the parent too if that completes it, and so on (a
 * loop, not a recursion, however deep `maxNesting` allows), or to the handlers at top level.
 */
function closeFrames(s: DecoderState, complete: Frame): void {
  let frame = complete;
  for (;;) {
    const type = frame.type;
    const depth = --s.depth;
    let value: unknown;
    if (type === 37 /* % */ || type === 124 /* | */) {
      value = frame.map;
      frame.map = null;
      frame.key = undefined;
      if (type === 124) {
        // Not a value: the element it describes comes next, in the same place.
        s.handlers.onAttribute?.(value as Map<unknown, unknown>);
        return;
      }
    } else {
      value = frame.array;
      frame.array = NO_ARRAY;
    }
    if (depth === 0) {
      if (type === 62 /* > */) s.handlers.onPush(value as unknown[]);
      else s.handlers.onReply(value);
      return;
    }
    // As in appendValue, for the parent; written again so that the per-element path stays one small function.
    frame = s.frames[depth - 1]!;
    const parent = frame.type;
    if (parent !== 37 && parent !== 124) frame.array[frame.index] = value;
    else if ((frame.index & 1) === 0) frame.key = value;
    else frame.map!.set(frame.key, value);
    if (++frame.index !== frame.size) return;
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
