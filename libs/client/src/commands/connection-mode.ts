/**
 * Commands that change what a connection is (a subscriber, a monitor, a replica, another protocol, another user or
 * database), or stop its replies: sent through `call()` on a connection shared by many callers, every later reply
 * would be matched to the wrong command, or every caller would silently run as someone else. They are refused
 * before anything is sent.
 */
import type { RedisArg } from '../command.js';
import { UsageError } from '../errors.js';

/** Why a refused command breaks a shared connection. */
const OUT_OF_STEP = "it would leave the connection's replies out of step with its commands";
const SWITCHES_DATABASE =
  'it would switch the database of every caller, be lost on reconnect, and mix databases in the client-side cache';
const SWITCHES_USER = 'it would switch the user of every caller';
const TRACKING =
  'the client-side cache owns tracking: turning it off or on under the cache would serve stale values or drop entries';

/** Why each refused command is refused, and what to use instead. */
const REFUSED: ReadonlyMap<string, readonly [why: string, instead: string]> = new Map([
  ['SUBSCRIBE', [OUT_OF_STEP, 'connection.subscribe(channels, listener)']],
  ['UNSUBSCRIBE', [OUT_OF_STEP, 'connection.unsubscribe(channels, listener)']],
  ['PSUBSCRIBE', [OUT_OF_STEP, 'connection.psubscribe(patterns, listener)']],
  ['PUNSUBSCRIBE', [OUT_OF_STEP, 'connection.punsubscribe(patterns, listener)']],
  ['SSUBSCRIBE', [OUT_OF_STEP, 'connection.ssubscribe(channels, listener)']],
  ['SUNSUBSCRIBE', [OUT_OF_STEP, 'connection.sunsubscribe(channels, listener)']],
  [
    'MONITOR',
    [
      OUT_OF_STEP,
      'a separate tool (redis-cli MONITOR): it turns the connection into a stream of every command',
    ],
  ],
  ['SYNC', [OUT_OF_STEP, 'a replica, not a client connection']],
  ['PSYNC', [OUT_OF_STEP, 'a replica, not a client connection']],
  ['HELLO', [OUT_OF_STEP, 'the protocol option of the connection']],
  ['RESET', [OUT_OF_STEP, 'a new connection']],
  ['QUIT', [OUT_OF_STEP, 'connection.close()']],
  [
    'SELECT',
    [SWITCHES_DATABASE, 'the db option of the client (new Client({ db })), one client per database'],
  ],
  [
    'AUTH',
    [SWITCHES_USER, 'the username/password or credentials options of the client, one client per user'],
  ],
]);

/** CLIENT subcommands refused, in upper case. */
const REFUSED_CLIENT: ReadonlyMap<string, readonly [why: string, instead: string]> = new Map([
  // CLIENT REPLY OFF / SKIP: the server stops answering, which no shared connection can follow.
  ['REPLY', [OUT_OF_STEP, 'nothing: every command on a shared connection gets its reply']],
  ['TRACKING', [TRACKING, 'the cache option of the connection (getConnection({ cache }))']],
]);

/**
 * The error for a command `call()` must not send on a shared connection, or undefined when it may be sent.
 * `name` is in upper case.
 */
export function refusedOnSharedConnection(name: string, args: readonly RedisArg[]): UsageError | undefined {
  let refused = REFUSED.get(name);
  let shown = name;
  if (refused === undefined && name === 'CLIENT' && args.length > 0) {
    const sub = String(args[0]).toUpperCase();
    refused = REFUSED_CLIENT.get(sub);
    shown = `CLIENT ${sub}`;
  }
  if (refused === undefined) return undefined;
  const [why, instead] = refused;
  return new UsageError(`${shown} cannot be sent with call() on a shared connection: ${why}; use ${instead}`);
}
