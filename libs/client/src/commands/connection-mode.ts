/**
 * Commands that change what a connection is (a subscriber, a monitor, a replica, another protocol) or stop its
 * replies: sent through `call()` on a connection shared by many callers, every later reply would be matched to the
 * wrong command. They are refused before anything is sent.
 */
import type { RedisArg } from '../command.js';
import { UsageError } from '../errors.js';

/** What to use instead of each refused command. */
const INSTEAD: ReadonlyMap<string, string> = new Map([
  ['SUBSCRIBE', 'connection.subscribe(channels, listener)'],
  ['UNSUBSCRIBE', 'connection.unsubscribe(channels, listener)'],
  ['PSUBSCRIBE', 'connection.psubscribe(patterns, listener)'],
  ['PUNSUBSCRIBE', 'connection.punsubscribe(patterns, listener)'],
  ['SSUBSCRIBE', 'connection.ssubscribe(channels, listener)'],
  ['SUNSUBSCRIBE', 'connection.sunsubscribe(channels, listener)'],
  ['MONITOR', 'a separate tool (redis-cli MONITOR): it turns the connection into a stream of every command'],
  ['SYNC', 'a replica, not a client connection'],
  ['PSYNC', 'a replica, not a client connection'],
  ['HELLO', 'the protocol option of the connection'],
  ['RESET', 'a new connection'],
  ['QUIT', 'connection.close()'],
]);

/**
 * The error for a command `call()` must not send on a shared connection, or undefined when it may be sent.
 * `name` is in upper case.
 */
export function refusedOnSharedConnection(name: string, args: readonly RedisArg[]): UsageError | undefined {
  let instead = INSTEAD.get(name);
  // CLIENT REPLY OFF / SKIP: the server stops answering, which no shared connection can follow.
  if (instead === undefined && name === 'CLIENT' && String(args[0]).toUpperCase() === 'REPLY') {
    instead = 'nothing: every command on a shared connection gets its reply';
  }
  if (instead === undefined) return undefined;
  return new UsageError(
    `${name}${name === 'CLIENT' ? ' REPLY' : ''} cannot be sent with call() on a shared connection: it would leave the connection's replies out of step with its commands; use ${instead}`,
  );
}
