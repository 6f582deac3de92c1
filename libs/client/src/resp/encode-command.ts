import type { RedisArg } from '../command.js';
import { ArgumentError } from '../errors.js';

/**
 * A command with a large binary argument, in the order its parts are written: the argument itself stays a part of
 * its own (the caller's bytes, not a copy), the rest is joined around it.
 */
export type EncodedParts = readonly (string | Uint8Array)[];

/** One encoded command, or several joined: what a socket write (or, for parts, one corked series of writes) takes. */
export type EncodedCommand = string | Buffer | EncodedParts;

const CR = 13;
const LF = 10;
const scratchPieces: (string | Uint8Array)[] = [];
const scratchSizes: number[] = [];
/** Up to this many characters, ASCII text is copied in JavaScript: cheaper than a call into native code. */
const SMALL_ASCII = 32;
/** Up to this many bytes, a binary argument is copied in JavaScript too. */
const SMALL_BYTES = 16;
/**
 * From this many bytes on, a binary argument is not copied into the encoded command but written as it is (the
 * connection corks the socket and writes the parts together): copying 1 MB values halved SET throughput.
 */
const LARGE_BYTES = 64 * 1024;

// Headers for the usual counts and lengths, made once: no number-to-text conversion per argument.
const ARRAY_HEADERS = Array.from({ length: 64 }, (_, n) => `*${n}\r\n`);
const BULK_HEADERS = Array.from({ length: 1024 }, (_, n) => `$${n}\r\n`);

/**
 * Encodes a command as a RESP array of bulk strings: `*<n>\r\n$<len>\r\n<name>\r\n$<len>\r\n<arg>\r\n...`.
 *
 * Arguments may be strings (sent as UTF-8), Buffers or other `Uint8Array`s (sent as they are), finite numbers
 * (integers as integers, `1e21` included; other numbers in their shortest round-tripping form, `String(n)`) and
 * bigints. Anything else throws an `ArgumentError` naming the command and the argument's position (1 is the first
 * argument after the name), never its value, before anything is encoded.
 *
 * Returns a `string` when no argument is binary, so that the connection can concatenate many commands into one
 * socket write cheaply, a `Buffer` when one is, and parts (`EncodedParts`) when a binary argument is 64 KiB or more:
 * such an argument is then written from the caller's own bytes, which must not change until the command is sent.
 *
 * @example
 * encodeCommand('SET', ['key', 'value']); // '*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n'
 */
export function encodeCommand(name: string, args: readonly (string | number | bigint)[]): string;
export function encodeCommand(name: string, args: readonly RedisArg[]): EncodedCommand;
export function encodeCommand(name: string, args: readonly RedisArg[]): EncodedCommand {
  if (typeof name !== 'string') {
    throw new ArgumentError(`The command name must be a string; got ${describe(name)}`);
  }
  const count = args.length;
  let out = `${arrayHeader(count + 1)}${bulkHeader(utf8Length(name))}${name}\r\n`;
  for (let i = 0; i < count; i++) {
    const arg: unknown = args[i];
    if (typeof arg === 'string') {
      out += `${bulkHeader(utf8Length(arg))}${arg}\r\n`;
    } else if (typeof arg === 'number') {
      const text = formatNumber(name, i, arg);
      out += `${bulkHeader(text.length)}${text}\r\n`;
    } else if (typeof arg === 'bigint') {
      const text = arg.toString();
      out += `${bulkHeader(text.length)}${text}\r\n`;
    } else if (arg instanceof Uint8Array) {
      return encodeWithBytes(name, args);
    } else {
      throw invalidArgument(name, i, arg);
    }
  }
  return out;
}

/**
 * Joins encoded commands into one value for a single socket write. Strings stay strings (joined without any
 * copy into a Buffer); when any piece is a Buffer, the result is one Buffer of the exact size, with each run of
 * strings written into it directly. A single piece is returned as it is.
 */
export function joinEncoded(encoded: readonly EncodedCommand[]): string | Buffer {
  const pieces = encoded.some((piece) => Array.isArray(piece))
    ? encoded.flat()
    : (encoded as (string | Buffer)[]);
  const count = pieces.length;
  if (count === 1 && (typeof pieces[0] === 'string' || Buffer.isBuffer(pieces[0]))) return pieces[0];
  let text = '';
  let i = 0;
  for (; i < count; i++) {
    const piece = pieces[i]!;
    if (typeof piece !== 'string') break;
    text += piece;
  }
  if (i === count) return text;

  let total = 0;
  for (let k = 0; k < count; k++) {
    const piece = pieces[k]!;
    total += typeof piece === 'string' ? Buffer.byteLength(piece) : piece.length;
  }
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  let run = text;
  for (; i < count; i++) {
    const piece = pieces[i]!;
    if (typeof piece === 'string') {
      run += piece;
      continue;
    }
    if (run.length > 0) offset += out.write(run, offset);
    run = '';
    out.set(piece, offset);
    offset += piece.length;
  }
  if (run.length > 0) out.write(run, offset);
  return out;
}

/**
 * The Buffer form, when at least one argument is binary: sizes are measured first, then everything is written
 * once into a Buffer of the exact size. Scratch arrays are reused from call to call (encoding is synchronous).
 */
function encodeWithBytes(name: string, args: readonly RedisArg[]): Buffer | EncodedParts {
  const count = args.length;
  const pieces = scratchPieces;
  const sizes = scratchSizes;
  const nameBytes = utf8Length(name);
  let large = false;
  let total = arrayHeader(count + 1).length + bulkHeader(nameBytes).length + nameBytes + 2;
  for (let i = 0; i < count; i++) {
    const arg: unknown = args[i];
    let piece: string | Uint8Array;
    let size: number;
    if (typeof arg === 'string') {
      piece = arg;
      size = utf8Length(arg);
    } else if (typeof arg === 'number') {
      if (!Number.isFinite(arg)) {
        // The scratch holds the arguments before this one (a Buffer among them): not kept alive past the throw.
        clearScratch(i);
        throw invalidArgument(name, i, arg);
      }
      piece = finiteNumberText(arg);
      size = piece.length;
    } else if (typeof arg === 'bigint') {
      piece = arg.toString();
      size = piece.length;
    } else if (arg instanceof Uint8Array) {
      piece = arg;
      size = arg.length;
      if (size >= LARGE_BYTES) large = true;
    } else {
      clearScratch(i);
      throw invalidArgument(name, i, arg);
    }
    pieces[i] = piece;
    sizes[i] = size;
    total += bulkHeader(size).length + size + 2;
  }
  if (large) {
    const parts = encodeInParts(`${arrayHeader(count + 1)}${bulkHeader(nameBytes)}${name}\r\n`, count);
    clearScratch(count);
    return parts;
  }

  const out = Buffer.allocUnsafe(total);
  let offset = writeAscii(out, 0, arrayHeader(count + 1));
  offset = writeAscii(out, offset, bulkHeader(nameBytes));
  offset = writeText(out, offset, name, nameBytes);
  out[offset++] = CR;
  out[offset++] = LF;
  for (let i = 0; i < count; i++) {
    const piece = pieces[i]!;
    const size = sizes[i]!;
    offset = writeAscii(out, offset, bulkHeader(size));
    if (typeof piece === 'string') {
      offset = writeText(out, offset, piece, size);
    } else if (size <= SMALL_BYTES) {
      for (let k = 0; k < size; k++) out[offset + k] = piece[k]!;
      offset += size;
    } else {
      out.set(piece, offset);
      offset += size;
    }
    out[offset++] = CR;
    out[offset++] = LF;
  }
  clearScratch(count);
  return out;
}

/**
 * The parts of a command whose scratch pieces hold a large binary argument: each run of other arguments is joined
 * (with the array header and name before the first, the large argument's bulk header at its end, and its `\r\n`
 * at the start of the next run), each large argument is a part of its own.
 */
function encodeInParts(head: string, count: number): EncodedParts {
  const parts: (string | Uint8Array)[] = [];
  let start = 0;
  let prefix = head;
  for (let i = 0; i <= count; i++) {
    const piece = i < count ? scratchPieces[i]! : '';
    const isLarge = typeof piece !== 'string' && scratchSizes[i]! >= LARGE_BYTES;
    if (i < count && !isLarge) continue;
    const run = encodeRun(prefix, start, i, isLarge ? bulkHeader(scratchSizes[i]!) : '');
    if (run.length > 0) parts.push(run);
    if (isLarge) parts.push(piece);
    prefix = '\r\n';
    start = i + 1;
  }
  return parts;
}

/** `prefix`, the scratch arguments `from` to `to` (exclusive) as bulk strings, then `suffix`: text when it can be. */
function encodeRun(prefix: string, from: number, to: number, suffix: string): string | Buffer {
  let text = prefix;
  let binary = false;
  let total = utf8Length(prefix) + suffix.length;
  for (let i = from; i < to; i++) {
    const piece = scratchPieces[i]!;
    if (typeof piece === 'string') text += `${bulkHeader(scratchSizes[i]!)}${piece}\r\n`;
    else binary = true;
    total += bulkHeader(scratchSizes[i]!).length + scratchSizes[i]! + 2;
  }
  if (!binary) return text + suffix;
  const out = Buffer.allocUnsafe(total);
  let offset = out.write(prefix, 0);
  for (let i = from; i < to; i++) {
    const piece = scratchPieces[i]!;
    const size = scratchSizes[i]!;
    offset = writeAscii(out, offset, bulkHeader(size));
    if (typeof piece === 'string') offset = writeText(out, offset, piece, size);
    else {
      out.set(piece, offset);
      offset += size;
    }
    out[offset++] = CR;
    out[offset++] = LF;
  }
  writeAscii(out, offset, suffix);
  return out;
}

/** Drops the references to the caller's arguments, keeping the scratch array's capacity. */
function clearScratch(count: number): void {
  for (let i = 0; i < count; i++) scratchPieces[i] = '';
}

function writeAscii(out: Buffer, offset: number, text: string): number {
  const length = text.length;
  for (let k = 0; k < length; k++) out[offset + k] = text.charCodeAt(k);
  return offset + length;
}

/** Writes `text`, whose UTF-8 form is `bytes` long, at `offset`; returns the offset after it. */
function writeText(out: Buffer, offset: number, text: string, bytes: number): number {
  if (bytes === text.length && bytes <= SMALL_ASCII) return writeAscii(out, offset, text);
  return offset + out.write(text, offset);
}

function arrayHeader(count: number): string {
  return count < ARRAY_HEADERS.length ? ARRAY_HEADERS[count]! : `*${count}\r\n`;
}

function bulkHeader(length: number): string {
  return length < BULK_HEADERS.length ? BULK_HEADERS[length]! : `$${length}\r\n`;
}

/** Byte length of `text` in UTF-8 (a lone surrogate counts 3 bytes, as `Buffer` writes U+FFFD for it). */
function utf8Length(text: string): number {
  return Buffer.byteLength(text);
}

function formatNumber(name: string, index: number, value: number): string {
  if (!Number.isFinite(value)) throw invalidArgument(name, index, value);
  return finiteNumberText(value);
}

function finiteNumberText(value: number): string {
  // `String(1e21)` is '1e+21', which INCRBY and friends would reject: write large integers out in full.
  if (value >= 1e21 || value <= -1e21) return BigInt(value).toString();
  return String(value);
}

function invalidArgument(name: string, index: number, value: unknown): ArgumentError {
  if (typeof value === 'number') {
    return new ArgumentError(
      `${name}: argument ${index + 1} is a non-finite number (NaN or Infinity); pass a finite number, a string, Buffer or bigint`,
    );
  }
  return new ArgumentError(
    `${name}: argument ${index + 1} is ${describe(value)}; pass a string, Buffer, number or bigint`,
  );
}

/** What kind of value was passed, without showing the value: it may be a password. */
function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return 'a boolean';
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    case 'number':
      return 'a number';
    case 'bigint':
      return 'a bigint';
    case 'string':
      return 'a string';
    case 'object':
      return Array.isArray(value) ? 'an array' : 'an object';
    default:
      return typeof value;
  }
}
