// Which commands get a typed method, which stay behind `call()`, and why.
import { camel } from './emit.js';
import { METHOD_NAMES } from './overrides.js';
import { allCommands, type Command, type CommandSet, flagsOf } from './spec.js';

/** Why a command has no typed method: it stays reachable through `call()`. */
export type Exclusion =
  | 'admin'
  | 'sentinel'
  | 'connection-state'
  | 'subscription'
  | 'transaction'
  | 'help'
  | 'internal';

/** What each kind of exclusion means, for the README and the coverage test. */
export const EXCLUSION_REASONS: Readonly<Record<Exclusion, string>> = {
  admin:
    'flagged ADMIN by the server: operating the server (CONFIG, ACL, replication, cluster membership, ' +
    'persistence, MONITOR...), not using it; send them with `call()` (or on one node with `onNode`)',
  sentinel: 'only a Sentinel answers them',
  'connection-state':
    'they change the state of the one connection they are sent on (authentication, protocol, database, ' +
    'replies, tracking), which the shared, multiplexed, reconnecting connection owns and sets up itself',
  subscription: 'subscribing has its own API on each connection (`subscribe`, `psubscribe`, `ssubscribe`)',
  transaction: 'transactions have their own API (`multi()`, `watch()`)',
  help: 'usage text for people at a terminal',
  internal: 'used by the servers among themselves (RESTORE-ASKING) or a toy (LOLWUT)',
};

/** Commands that are not admin but get no method, with the reason. */
const EXCLUDED: Readonly<Record<string, Exclusion>> = {
  AUTH: 'connection-state',
  HELLO: 'connection-state',
  SELECT: 'connection-state',
  RESET: 'connection-state',
  QUIT: 'connection-state',
  READONLY: 'connection-state',
  READWRITE: 'connection-state',
  ASKING: 'connection-state',
  'CLIENT REPLY': 'connection-state',
  'CLIENT TRACKING': 'connection-state',
  'CLIENT CACHING': 'connection-state',
  'CLIENT CAPA': 'connection-state',
  SUBSCRIBE: 'subscription',
  UNSUBSCRIBE: 'subscription',
  PSUBSCRIBE: 'subscription',
  PUNSUBSCRIBE: 'subscription',
  SSUBSCRIBE: 'subscription',
  SUNSUBSCRIBE: 'subscription',
  MULTI: 'transaction',
  EXEC: 'transaction',
  DISCARD: 'transaction',
  WATCH: 'transaction',
  UNWATCH: 'transaction',
  'RESTORE-ASKING': 'internal',
  LOLWUT: 'internal',
};

/**
 * Why a command gets no typed method, or undefined when it must have one. `name` is upper case with its container
 * (`OBJECT HELP`), `flags` the server's in lower case. Containers themselves never have one.
 */
export function exclusionOf(name: string, flags: readonly string[]): Exclusion | undefined {
  if (flags.includes('only_sentinel')) return 'sentinel';
  if (flags.includes('admin')) return 'admin';
  if (name.endsWith(' HELP')) return 'help';
  return EXCLUDED[name];
}

/** The method's name: `get`, `evalRo`, `objectEncoding`, or a name chosen in overrides.ts. */
export function methodNameOf(name: string): string {
  const chosen = METHOD_NAMES[name];
  if (chosen) return chosen;
  const [container, subcommand] = name.split(' ');
  if (subcommand === undefined) return camel(container!);
  const sub = camel(subcommand);
  return camel(container!) + sub[0]!.toUpperCase() + sub.slice(1);
}

/** Every command that must have a typed method: not a container, not excluded. */
export function* commandsWithMethods(set: CommandSet): Generator<Command> {
  for (const command of allCommands(set)) {
    if (command.subcommands.size > 0) continue;
    if (exclusionOf(command.name, flagsOf(command)) === undefined) yield command;
  }
}

/** Every command without a method, with the reason (containers aside). */
export function* commandsWithoutMethods(set: CommandSet): Generator<[Command, Exclusion]> {
  for (const command of allCommands(set)) {
    if (command.subcommands.size > 0) continue;
    const exclusion = exclusionOf(command.name, flagsOf(command));
    if (exclusion !== undefined) yield [command, exclusion];
  }
}
