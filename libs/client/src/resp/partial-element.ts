/**
 * What the decoder keeps of an element that a chunk ended in the middle of: its incomplete first line, or the part
 * of a bulk payload that arrived. Joined once, when complete: decoding stays linear whatever the chunking.
 */
import { CR, isShortLine, LF, MAX_SHORT_LINE, protocolError, showByte, T_BULK } from './resp-syntax.js';
import { decodeTextPieces, stringValue } from './scalar-readers.js';

/** `takeBulk`'s answer while the payload is still incomplete. */
export const NOT_YET: unique symbol = Symbol('not yet');

export class PartialElement {
  /** An element whose first line is incomplete: the pieces that arrived, from its type byte on. */
  line: Buffer[] | null = null;
  private lineBytes = 0;
  /** A bulk, bulk error or verbatim string whose payload is incomplete: its type byte, or 0 when none. */
  bulkType = 0;
  private bulkLength = 0;
  /** What arrived of the payload (and its CRLF) so far. */
  private bulkChunks: Buffer[] = [];
  private bulkBytes = 0;
  /** Where parsing continues in the chunk given to the last successful `takeLine` / `takeBulk`. */
  next = 0;

  constructor(private readonly maxBulkLength: number) {}

  /** Bytes held: never more than what was fed, and never more than `maxBulkLength` plus a few bytes. */
  get bytes(): number {
    return this.lineBytes + this.bulkBytes;
  }

  /** Keeps the start of an element whose first line is incomplete, from its type byte `buf[start]` on. */
  keepLine(buf: Buffer, start: number): void {
    const type = buf[start]!;
    const bytes = buf.length - start;
    this.checkLineLength(type, bytes);
    this.line = [buf.subarray(start)];
    this.lineBytes = bytes;
  }

  /** Keeps what arrived of a bulk payload that starts at `buf[start]` and is `length` bytes long. */
  keepBulk(type: number, length: number, buf: Buffer, start: number): void {
    this.bulkType = type;
    this.bulkLength = length;
    if (start < buf.length) {
      this.bulkChunks.push(buf.subarray(start));
      this.bulkBytes = buf.length - start;
    }
  }

  /**
   * Continues the kept line with `chunk`: the whole line, CRLF included, to parse (then `next` is where the chunk
   * goes on), or null when it is still incomplete. Only the line is joined, never the rest of the chunk.
   */
  takeLine(chunk: Buffer): Buffer | null {
    const pieces = this.line!;
    const type = pieces[0]![0]!;
    const lf = chunk.indexOf(LF);
    if (lf === -1) {
      this.checkLineLength(type, this.lineBytes + chunk.length);
      pieces.push(chunk);
      this.lineBytes += chunk.length;
      return null;
    }
    const lineBytes = this.lineBytes + lf + 1;
    this.checkLineLength(type, lineBytes);
    pieces.push(chunk.subarray(0, lf + 1));
    this.line = null;
    this.lineBytes = 0;
    this.next = lf + 1;
    return Buffer.concat(pieces, lineBytes);
  }

  /**
   * Continues the kept bulk payload with `chunk[offset...]`: its value once complete (then `next` is where the
   * chunk goes on), or `NOT_YET`.
   */
  takeBulk(chunk: Buffer, offset: number, returnBuffers: boolean): unknown {
    const need = this.bulkLength + 2 - this.bulkBytes;
    const available = chunk.length - offset;
    const chunks = this.bulkChunks;
    if (available < need) {
      if (available > 0) {
        chunks.push(offset === 0 ? chunk : chunk.subarray(offset));
        this.bulkBytes += available;
      }
      return NOT_YET;
    }
    chunks.push(chunk.subarray(offset, offset + need));
    const length = this.bulkLength;
    const type = this.bulkType;
    this.forgetBulk();
    this.next = offset + need;
    const count = chunks.length;
    if (count > 1 && type === T_BULK && !returnBuffers) {
      // Text is decoded piece by piece: no joined copy of the bytes is needed at all.
      const last = chunks[count - 1]!;
      const cr = last.length > 1 ? last[last.length - 2] : chunks[count - 2]![chunks[count - 2]!.length - 1];
      if (cr !== CR || last[last.length - 1] !== LF) {
        throw protocolError(`missing CRLF after a ${showByte(type)} payload`);
      }
      return decodeTextPieces(chunks, length);
    }
    const owned = count > 1;
    const whole = owned ? Buffer.concat(chunks, length + 2) : chunks[0]!;
    if (whole[length] !== CR || whole[length + 1] !== LF) {
      throw protocolError(`missing CRLF after a ${showByte(type)} payload`);
    }
    return stringValue(type, whole, 0, length, owned, returnBuffers);
  }

  reset(): void {
    this.line = null;
    this.lineBytes = 0;
    this.forgetBulk();
  }

  private forgetBulk(): void {
    this.bulkType = 0;
    this.bulkLength = 0;
    this.bulkChunks = [];
    this.bulkBytes = 0;
  }

  private checkLineLength(type: number, bytes: number): void {
    const short = isShortLine(type);
    if (bytes > (short ? MAX_SHORT_LINE : this.maxBulkLength + 3)) {
      throw protocolError(
        short
          ? `the line of a ${showByte(type)} element is longer than ${MAX_SHORT_LINE} bytes`
          : `a ${showByte(type)} line is longer than maxBulkLength (${this.maxBulkLength})`,
      );
    }
  }
}
