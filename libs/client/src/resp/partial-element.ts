/**
 * An element cut by the end of a chunk: its first line when incomplete (kept as copies of the pieces that arrived,
 * joined once when its LF comes), or the payload of a bulk, bulk error or verbatim string (copied into its own
 * buffer, allocated once at its full length up to 6 MiB). Nothing kept is a view of a chunk, so a chunk may be a
 * reused read buffer. Decoding stays linear in the input however it is chunked.
 */
import type { DecoderState } from './decoder-state.js';
import { emitValue } from './frame-stack.js';
import { findLineFeed } from './line-reader.js';
import { MAX_SHORT_LINE, protocolError, showByte } from './resp-syntax.js';
import { copyBytes, stringValue } from './scalar-readers.js';

const CR = 13;
const LF = 10;
const T_SIMPLE = 43; // +
const T_ERROR = 45; // -
const T_DOUBLE = 44; // ,
const T_BIG_NUMBER = 40; // (

/**
 * A payload's own buffer is allocated at its full length up to 1.5 times this size; above, it starts at this size
 * and doubles as the bytes arrive: memory follows what arrived (at most three times that), not a length a server
 * declared.
 */
const BULK_HEAD_START = 4 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/** True for types whose line is a length, an integer, a boolean or a null: short by definition. */
function isShortLine(type: number): boolean {
  return type !== T_SIMPLE && type !== T_ERROR && type !== T_DOUBLE && type !== T_BIG_NUMBER;
}

function checkLineLength(s: DecoderState, type: number, bytes: number): void {
  const short = isShortLine(type);
  if (bytes > (short ? MAX_SHORT_LINE : s.maxBulkLength + 3)) {
    throw protocolError(
      short
        ? `the line of a ${showByte(type)} element is longer than ${MAX_SHORT_LINE} bytes`
        : `a ${showByte(type)} line is longer than maxBulkLength (${s.maxBulkLength})`,
    );
  }
}

/** Keeps the start of an element whose first line is incomplete, from its type byte `buf[start]` on. */
export function keepLine(s: DecoderState, buf: Buffer, start: number): void {
  const bytes = buf.length - start;
  checkLineLength(s, buf[start]!, bytes);
  s.pending = [copyBytes(buf, start, buf.length)];
  s.pendingBytes = bytes;
}

/**
 * Continues the element whose first line was incomplete with `chunk`: returns the whole line, to be parsed, with
 * `s.pos` where the decoding of `chunk` continues after it; or null when the line is still incomplete.
 */
export function takeLine(s: DecoderState, chunk: Buffer): Buffer | null {
  const pending = s.pending!;
  const type = pending[0]![0]!;
  const lf = findLineFeed(chunk, 0);
  if (lf === -1) {
    checkLineLength(s, type, s.pendingBytes + chunk.length);
    pending.push(copyBytes(chunk, 0, chunk.length));
    s.pendingBytes += chunk.length;
    return null;
  }
  const lineBytes = s.pendingBytes + lf + 1;
  checkLineLength(s, type, lineBytes);
  // Joined below, before the call returns: a view is enough even of a reused buffer.
  pending.push(chunk.subarray(0, lf + 1));
  s.pending = null;
  s.pendingBytes = 0;
  s.pos = lf + 1;
  // Only the line is joined, never the rest of the chunk: it holds one element (or a bulk header).
  return Buffer.concat(pending, lineBytes);
}

/** Keeps what arrived of a bulk payload that starts at `buf[start]` and is `length` bytes long. */
export function keepBulk(s: DecoderState, type: number, length: number, buf: Buffer, start: number): void {
  s.bulkType = type;
  s.bulkLength = length;
  // The payload's own buffer: what arrived is copied now, the rest as it arrives.
  s.bulkDest = EMPTY;
  s.bulkBytes = 0;
  copyIntoBulk(s, buf, start, buf.length);
}

/**
 * Continues a bulk string whose payload was incomplete, and delivers it when complete. Returns where parsing
 * continues in `chunk`, or -1 when the payload is still incomplete.
 */
export function finishBulk(s: DecoderState, chunk: Buffer, offset: number): number {
  const need = s.bulkLength + 2 - s.bulkBytes;
  if (chunk.length - offset < need) {
    copyIntoBulk(s, chunk, offset, chunk.length);
    return -1;
  }
  copyIntoBulk(s, chunk, offset, offset + need);
  completeOwnBuffer(s, s.bulkDest!);
  return offset + need;
}

/** Copies `src[from, to)` to the end of what arrived of the payload, in its own buffer, enlarged if needed. */
function copyIntoBulk(s: DecoderState, src: Buffer, from: number, to: number): void {
  const filled = s.bulkBytes;
  const end = filled + to - from;
  const dest = end > s.bulkDest!.length ? growBulk(s, end) : s.bulkDest!;
  if (to > from) src.copy(dest, filled, from, to);
  s.bulkBytes = end;
}

/**
 * A larger buffer for the payload, holding what arrived: room for `atLeast` bytes, for twice what arrived, or for
 * `BULK_HEAD_START` bytes; or room for the whole payload and its CRLF when that is at most half as much again (so
 * that a payload's last few bytes never cost one more copy of everything before them).
 */
function growBulk(s: DecoderState, atLeast: number): Buffer {
  const filled = s.bulkBytes;
  const wanted = Math.max(atLeast, 2 * filled, BULK_HEAD_START);
  const whole = s.bulkLength + 2;
  const size = wanted + (wanted >>> 1) >= whole ? whole : wanted;
  const grown = Buffer.allocUnsafe(size);
  if (filled > 0) s.bulkDest!.copy(grown, 0, 0, filled);
  s.bulkDest = grown;
  return grown;
}

/** Delivers the payload gathered in its own buffer `dest`, complete: a view of it, or its text decoded once. */
function completeOwnBuffer(s: DecoderState, dest: Buffer): void {
  const length = s.bulkLength;
  const type = s.bulkType;
  s.bulkType = 0;
  s.bulkLength = 0;
  s.bulkDest = null;
  s.bulkBytes = 0;
  if (dest[length] !== CR || dest[length + 1] !== LF) {
    throw protocolError(`missing CRLF after a ${showByte(type)} payload`);
  }
  emitValue(s, stringValue(type, dest, 0, length, true, s.returnBuffers));
}
