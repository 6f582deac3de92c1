/**
 * An element cut by the end of a chunk: its first line when incomplete (kept as the pieces that arrived, joined
 * once when its LF comes), or the payload of a bulk, bulk error or verbatim string (gathered chunk by chunk and
 * joined once when complete). Decoding stays linear in the input however it is chunked, and nothing is allocated
 * for bytes that have not arrived.
 */
import type { DecoderState } from './decoder-state.js';
import { emitValue } from './frame-stack.js';
import { findLineFeed } from './line-reader.js';
import { MAX_SHORT_LINE, protocolError, showByte } from './resp-syntax.js';
import { decodeTextPieces, stringValue } from './scalar-readers.js';

const CR = 13;
const LF = 10;
const T_BULK = 36; // $
const T_SIMPLE = 43; // +
const T_ERROR = 45; // -
const T_DOUBLE = 44; // ,
const T_BIG_NUMBER = 40; // (

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
  s.pending = [buf.subarray(start)];
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
    pending.push(chunk);
    s.pendingBytes += chunk.length;
    return null;
  }
  const lineBytes = s.pendingBytes + lf + 1;
  checkLineLength(s, type, lineBytes);
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
  if (start < buf.length) {
    s.bulkChunks.push(buf.subarray(start));
    s.bulkBytes = buf.length - start;
  }
}

/**
 * Continues a bulk string whose payload was incomplete, and delivers it when complete. Returns where parsing
 * continues in `chunk`, or -1 when the payload is still incomplete.
 */
export function finishBulk(s: DecoderState, chunk: Buffer, offset: number): number {
  const need = s.bulkLength + 2 - s.bulkBytes;
  const available = chunk.length - offset;
  const chunks = s.bulkChunks;
  if (available < need) {
    if (available > 0) {
      chunks.push(offset === 0 ? chunk : chunk.subarray(offset));
      s.bulkBytes += available;
    }
    return -1;
  }
  chunks.push(chunk.subarray(offset, offset + need));
  const length = s.bulkLength;
  const type = s.bulkType;
  s.bulkType = 0;
  s.bulkLength = 0;
  s.bulkChunks = [];
  s.bulkBytes = 0;
  const count = chunks.length;
  if (count > 1 && type === T_BULK && !s.returnBuffers) {
    // Text is decoded piece by piece: no joined copy of the bytes is needed at all.
    const last = chunks[count - 1]!;
    const cr = last.length > 1 ? last[last.length - 2] : chunks[count - 2]![chunks[count - 2]!.length - 1];
    if (cr !== CR || last[last.length - 1] !== LF) {
      throw protocolError(`missing CRLF after a ${showByte(type)} payload`);
    }
    emitValue(s, decodeTextPieces(chunks, length));
    return offset + need;
  }
  // Joined once, when complete: linear in the size of the value however it was chunked.
  const owned = count > 1;
  const whole = owned ? Buffer.concat(chunks, length + 2) : chunks[0]!;
  if (whole[length] !== CR || whole[length + 1] !== LF) {
    throw protocolError(`missing CRLF after a ${showByte(type)} payload`);
  }
  emitValue(s, stringValue(type, whole, 0, length, owned, s.returnBuffers));
  return offset + need;
}
