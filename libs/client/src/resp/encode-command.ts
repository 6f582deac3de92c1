import type { RedisArg } from '../command.js';
import { ArgumentError } from '../errors.js';

/** One encoded command, or several joined: what a socket write takes. */
export type EncodedCommand = string | Buffer;

/**
 * Encodes a command as a RESP array of bulk strings: `*<n>\r\n$<len>\r\n<name>\r\n$<len>\r\n<arg>\r\n...`.
 *
 * Arguments may be strings (sent as UTF-8), Buffers or other `Uint8Array`s (sent as they are), finite numbers
 * (integers as integers, `1e21` included; other numbers in their shortest round-tripping form, `String(n)`) and
 * bigints. Anything else throws an `ArgumentError` naming the command and the argument's position (1 is the first
 * argument after the name), never its value, before anything is encoded.
 *
 * Returns a `string` when no argument is binary, so that the connection can concatenate many commands into one
 * socket write cheaply, and a `Buffer` when one is.
 *
 * @example
 * encodeCommand('SET', ['key', 'value']); // '*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n'
 */
export function encodeCommand(name: string, args: readonly RedisArg[]): EncodedCommand {
  if (typeof name !== 'string') {
    throw new ArgumentError(`The command name must be a string; got ${describe(name)}`);
  }
  const count = args.length;
  let out = `*${count + 1}\r\n$${utf8Length(name)}\r\n${name}\r\n`;
  for (let i = 0; i < count; i++) {
    const arg: unknown = args[i];
    if (typeof arg === 'string') {
      out += `$${utf8Length(arg)}\r\n${arg}\r\n`;
    } else if (typeof arg === 'number') {
      const text = formatNumber(name, i, arg);
      out += `$${text.length}\r\n${text}\r\n`;
    } else if (typeof arg === 'bigint') {
      const text = arg.toString();
      out += `$${text.length}\r\n${text}\r\n`;
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
export function joinEncoded(pieces: readonly EncodedCommand[]): EncodedCommand {
  const count = pieces.length;
  if (count === 1) return pieces[0]!;
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
 * The Buffer form, when at least one argument is binary. Text between binary arguments is gathered into runs
 * (each written with one call), and byte counts are kept while building, so every byte is written once.
 */
function encodeWithBytes(name: string, args: readonly RedisArg[]): Buffer {
  const count = args.length;
  const runs: string[] = [];
  const binaries: Uint8Array[] = [];
  const nameBytes = utf8Length(name);
  let run = `*${count + 1}\r\n$${nameBytes}\r\n${name}\r\n`;
  let total = run.length - name.length + nameBytes;
  for (let i = 0; i < count; i++) {
    const arg: unknown = args[i];
    let header: string;
    if (typeof arg === 'string') {
      const bytes = utf8Length(arg);
      header = `$${bytes}\r\n`;
      run += `${header}${arg}\r\n`;
      total += header.length + bytes + 2;
    } else if (typeof arg === 'number' || typeof arg === 'bigint') {
      const text = typeof arg === 'number' ? formatNumber(name, i, arg) : arg.toString();
      header = `$${text.length}\r\n`;
      run += `${header}${text}\r\n`;
      total += header.length + text.length + 2;
    } else if (arg instanceof Uint8Array) {
      header = `$${arg.length}\r\n`;
      runs.push(run + header);
      binaries.push(arg);
      run = '\r\n';
      total += header.length + arg.length + 2;
    } else {
      throw invalidArgument(name, i, arg);
    }
  }
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (let k = 0; k < binaries.length; k++) {
    offset += out.write(runs[k]!, offset);
    const bytes = binaries[k]!;
    out.set(bytes, offset);
    offset += bytes.length;
  }
  out.write(run, offset);
  return out;
}

/** Byte length of `text` in UTF-8 (a lone surrogate counts 3 bytes, as `Buffer` writes U+FFFD for it). */
function utf8Length(text: string): number {
  return Buffer.byteLength(text);
}

function formatNumber(name: string, index: number, value: number): string {
  if (!Number.isFinite(value)) throw invalidArgument(name, index, value);
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
