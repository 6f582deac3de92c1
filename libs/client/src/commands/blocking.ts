/**
 * How long a blocking command may keep its connection busy: what the connections derive its deadline from, and
 * what sends it to a dedicated connection instead of the shared one.
 */
import type { RedisArg } from '../command.js';
import { ArgumentError } from '../errors.js';
import { commandFlags } from './command-info.js';

function textOf(arg: RedisArg | undefined): string {
  if (typeof arg === 'string') return arg;
  if (Buffer.isBuffer(arg)) return arg.toString('latin1');
  return arg === undefined ? '' : String(arg);
}

/**
 * A timeout given in seconds, possibly fractional, in ms (rounded up, as the server does). 0 means forever;
 * a value the server will reject at once (not a number, negative) is reported as 0 too.
 */
function secondsToMs(arg: RedisArg | undefined): number {
  const seconds = typeof arg === 'number' ? arg : Number(textOf(arg));
  return seconds > 0 ? Math.ceil(seconds * 1000) : 0;
}

function millisecondsOf(arg: RedisArg | undefined): number {
  const ms = typeof arg === 'number' ? arg : Number(textOf(arg));
  return ms > 0 ? Math.ceil(ms) : 0;
}

/** WAIT / WAITAOF's timeout in ms: NaN when it is missing, negative or not a number (refused before sending). */
function waitTimeoutMs(arg: RedisArg | undefined): number {
  const ms = typeof arg === 'number' ? arg : arg === undefined ? Number.NaN : Number(textOf(arg));
  return ms >= 0 ? Math.ceil(ms) : Number.NaN;
}

/** XREAD / XREADGROUP: the BLOCK argument before STREAMS, or undefined when there is none (no blocking). */
function xreadBlock(args: readonly RedisArg[]): number | undefined {
  for (let i = 0; i < args.length - 1; i++) {
    const word = textOf(args[i]);
    if (word.length === 5 && word.toUpperCase() === 'BLOCK') return millisecondsOf(args[i + 1]);
    if (word.length === 7 && word.toUpperCase() === 'STREAMS') return undefined;
    // COUNT n / GROUP g c: skip the values, which could spell BLOCK or STREAMS.
    if (word.length === 5 && word.toUpperCase() === 'COUNT') i++;
    else if (word.length === 5 && word.toUpperCase() === 'GROUP') i += 2;
  }
  return undefined;
}

/**
 * The server-side block time in ms of a blocking command: undefined when the command does not block (every
 * non-blocking command, and XREAD / XREADGROUP without BLOCK); 0 when it may block forever. Covers BLPOP, BRPOP,
 * BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP (seconds), XREAD / XREADGROUP BLOCK, WAIT and WAITAOF (ms).
 */
export function blockingTimeoutMs(name: string, args: readonly RedisArg[]): number | undefined {
  switch (name) {
    case 'BLPOP':
    case 'BRPOP':
    case 'BZPOPMIN':
    case 'BZPOPMAX':
    case 'BRPOPLPUSH':
    case 'BLMOVE':
      return secondsToMs(args[args.length - 1]);
    case 'BLMPOP':
    case 'BZMPOP':
      return secondsToMs(args[0]);
    case 'XREAD':
    case 'XREADGROUP':
      return xreadBlock(args);
    case 'WAIT':
      return waitTimeoutMs(args[1]);
    case 'WAITAOF':
      return waitTimeoutMs(args[2]);
    default: {
      // Names not in upper case: one cached lookup tells whether the slow path is needed.
      if (!commandFlags(name).blocking) return undefined;
      const upper = name.toUpperCase();
      return upper === name ? undefined : blockingTimeoutMs(upper, args);
    }
  }
}

/**
 * The one rule for a blocking command on a connection shared by many callers. WAIT and WAITAOF block, but speak of
 * the writes made on the very connection they run on: they stay on the shared connection the caller's writes went
 * through, never a dedicated one (where they would report at once that nothing is pending), with their block time
 * on top of the command timeout as deadline; or they are refused with an `ArgumentError` (see `ownWritesRefusal`).
 * Any other blocking command goes to a dedicated connection: undefined.
 */
export function sharedConnectionDeadline(
  name: string,
  blockMs: number,
  commandTimeoutMs: number,
): number | ArgumentError | undefined {
  if (!waitsForOwnWrites(name)) return undefined;
  return ownWritesRefusal(name.toUpperCase(), blockMs) ?? blockingDeadlineMs(blockMs, commandTimeoutMs);
}

/**
 * Why WAIT or WAITAOF (`name` in upper case) with this block time is refused before sending: 0 blocks the shared
 * connection forever; NaN is not a time (missing, negative, not a number). Undefined when it may be sent.
 */
export function ownWritesRefusal(name: string, blockMs: number): ArgumentError | undefined {
  if (Number.isNaN(blockMs)) {
    return new ArgumentError(
      `${name} needs a timeout in ms, a number of 0 or more (got a negative or non-numeric one)`,
    );
  }
  if (blockMs !== 0) return undefined;
  return new ArgumentError(
    `${name} with a timeout of 0 would block the shared connection forever: give a timeout in ms, e.g. ${name === 'WAITAOF' ? 'waitaof(1, 1, 100)' : 'wait(1, 100)'}`,
  );
}

/** Whether a command is WAIT or WAITAOF (see {@link sharedConnectionDeadline}). */
export function waitsForOwnWrites(name: string): boolean {
  const upper = name.length === 4 || name.length === 7 ? name.toUpperCase() : '';
  return upper === 'WAIT' || upper === 'WAITAOF';
}

/** A blocking command's deadline: its own block time plus the command timeout; none when it may block forever. */
export function blockingDeadlineMs(blockMs: number, commandTimeoutMs: number): number {
  return blockMs === 0 ? Number.POSITIVE_INFINITY : blockMs + commandTimeoutMs;
}
