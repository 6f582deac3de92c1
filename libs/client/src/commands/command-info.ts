/**
 * What the router needs to know about a command: its flags (read-only? blocking?), the server's fan-out policies,
 * and where its keys are. All of it comes from `@ioredis/commands` (the server's own COMMAND INFO, generated);
 * nothing is hand-written here except the gaps that package leaves (subcommand flags, numkeys clipping, MIGRATE
 * with binary keys, SORT patterns). Lookups are cached per name, so each costs one Map lookup after the first.
 */
import { createRequire } from 'node:module';
import * as metadata from '@ioredis/commands';
import type { RedisArg } from '../command.js';

/** What the server says about a command (COMMAND INFO flags and tips), as the router uses it. */
export interface CommandFlags {
  /** The command is in the table. Unknown commands have no flags but `write`: no retry, primary only. */
  readonly known: boolean;
  readonly readonly: boolean;
  readonly write: boolean;
  /** May block (BLPOP, XREAD...): see `blockingTimeoutMs` for whether this call does. */
  readonly blocking: boolean;
  readonly pubsub: boolean;
  readonly noscript: boolean;
  /** Key positions depend on the arguments (EVAL, XREAD, ZUNIONSTORE...). */
  readonly movablekeys: boolean;
  readonly denyoom: boolean;
  readonly admin: boolean;
  readonly fast: boolean;
  /** Allowed while the server loads its dataset. */
  readonly loading: boolean;
  /** Allowed on a replica with stale data. */
  readonly stale: boolean;
  /** Not allowed inside MULTI. */
  readonly noMulti: boolean;
  /** Which nodes a keyless command concerns in a cluster (`all_shards`, `all_nodes`, `multi_shard`, `special`). */
  readonly requestPolicy: string | undefined;
  /** How their replies combine (`agg_sum`, `agg_min`, `all_succeeded`, `one_succeeded`, `agg_logical_and`...). */
  readonly responsePolicy: string | undefined;
}

/** What the cluster's fast path needs of a command whose one key sits at a fixed position (GET, SET, HINCRBY...). */
export interface SingleKeyCommand {
  /** Index in `args` of the key. */
  readonly keyIndex: number;
  readonly flags: CommandFlags;
}

/** One command's entry of the package's table. */
interface RawCommand {
  readonly flags: readonly string[];
  readonly keyStart: number;
  readonly keyStop: number;
  readonly step: number;
  readonly requestPolicy?: string;
  readonly responsePolicy?: string;
  readonly subcommands?: Readonly<Record<string, RawCommand>>;
}

/** Where a command's keys are. */
const KeySpec = {
  /** No keys. */
  None: 0,
  /** From `keyStart` to `keyStop` by `step`, fixed by the table. */
  Range: 1,
  /** Depends on the arguments: asked of the package per call (with our fixes). */
  Movable: 2,
  /** Depends on the subcommand (`OBJECT ENCODING key`). */
  Container: 3,
} as const;
type KeySpec = (typeof KeySpec)[keyof typeof KeySpec];

interface Entry {
  readonly lowerName: string;
  readonly flags: CommandFlags;
  readonly keySpec: KeySpec;
  /** For `Range`: 0-based index in `args` of the first key, of the last (negative: from the end), and the step. */
  readonly first: number;
  readonly last: number;
  readonly step: number;
  /** For `Container`: the subcommands by lower- and upper-case name. */
  readonly subcommands: Map<string, Entry> | undefined;
  /** Set for a `Range` of exactly one key on a command that cannot block. */
  readonly singleKey: SingleKeyCommand | undefined;
  /** May be sent again after a lost connection (see `safeToResend`). */
  readonly resendable: boolean;
}

// The table `@ioredis/commands` generates from the server's COMMAND INFO; its public API exposes only the
// top-level flags, and the subcommands' flags (OBJECT ENCODING is read-only, OBJECT is not) are needed too.
const table = createRequire(import.meta.url)('@ioredis/commands/built/commands.json') as Readonly<
  Record<string, RawCommand>
>;

const UNKNOWN_FLAGS: CommandFlags = Object.freeze({
  known: false,
  readonly: false,
  write: true,
  blocking: false,
  pubsub: false,
  noscript: false,
  movablekeys: false,
  denyoom: false,
  admin: false,
  fast: false,
  loading: false,
  stale: false,
  noMulti: false,
  requestPolicy: undefined,
  responsePolicy: undefined,
});

const UNKNOWN: Entry = {
  lowerName: '',
  flags: UNKNOWN_FLAGS,
  keySpec: KeySpec.None,
  first: -1,
  last: -1,
  step: 0,
  subcommands: undefined,
  singleKey: undefined,
  resendable: false,
};

function flagsOf(raw: RawCommand): CommandFlags {
  const has = new Set(raw.flags);
  return Object.freeze({
    known: true,
    readonly: has.has('readonly'),
    write: has.has('write'),
    blocking: has.has('blocking'),
    pubsub: has.has('pubsub'),
    noscript: has.has('noscript'),
    movablekeys: has.has('movablekeys'),
    denyoom: has.has('denyoom'),
    admin: has.has('admin'),
    fast: has.has('fast'),
    loading: has.has('loading'),
    stale: has.has('stale'),
    noMulti: has.has('no_multi'),
    requestPolicy: raw.requestPolicy,
    responsePolicy: raw.responsePolicy,
  });
}

/** Queries the server does not flag read-only although they change nothing: sending one twice is harmless. */
const HARMLESS_QUERIES = new Set(['ping', 'echo', 'info', 'time', 'lastsave', 'role']);

function entryOf(lowerName: string, raw: RawCommand): Entry {
  let subcommands: Map<string, Entry> | undefined;
  let keySpec: KeySpec;
  if (raw.subcommands !== undefined) {
    subcommands = new Map();
    for (const [name, sub] of Object.entries(raw.subcommands)) {
      const entry = entryOf(lowerName, sub);
      subcommands.set(name.toLowerCase(), entry);
      subcommands.set(name.toUpperCase(), entry);
    }
    keySpec = KeySpec.Container;
  } else if (raw.flags.includes('movablekeys')) {
    keySpec = KeySpec.Movable;
  } else if (raw.step > 0 && raw.keyStart > 0) {
    keySpec = KeySpec.Range;
  } else {
    keySpec = KeySpec.None;
  }
  // The table counts from the command name (argv[0]); `args` starts after it.
  const first = raw.keyStart - 1;
  const last = raw.keyStop > 0 ? raw.keyStop - 1 : raw.keyStop;
  const flags = flagsOf(raw);
  const single = keySpec === KeySpec.Range && last === first && !flags.blocking;
  return {
    lowerName,
    flags,
    keySpec,
    first,
    last,
    step: raw.step,
    subcommands,
    singleKey: single ? Object.freeze({ keyIndex: first, flags }) : undefined,
    resendable: flags.readonly || (subcommands === undefined && HARMLESS_QUERIES.has(lowerName)),
  };
}

const cache = new Map<string, Entry>();

function lookup(name: string): Entry {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const lowerName = name.toLowerCase();
  const raw = Object.hasOwn(table, lowerName) ? table[lowerName] : undefined;
  // Unknown names are not cached: `call()` with made-up names must not grow the cache.
  if (raw === undefined) return UNKNOWN;
  const entry = cache.get(lowerName) ?? entryOf(lowerName, raw);
  cache.set(lowerName, entry);
  cache.set(name, entry);
  return entry;
}

function subcommandOf(entry: Entry, args: readonly RedisArg[] | undefined): Entry | undefined {
  if (entry.subcommands === undefined || args === undefined || args.length === 0) return undefined;
  const text = textOf(args[0]);
  return entry.subcommands.get(text) ?? entry.subcommands.get(text.toLowerCase());
}

/**
 * The command's flags. Pass `args` to get a subcommand's own flags (`OBJECT ENCODING` is read-only, `OBJECT` alone
 * has no flags). Unknown commands: no flags but `write`.
 */
export function commandFlags(name: string, args?: readonly RedisArg[]): CommandFlags {
  return entryFor(name, args).flags;
}

/** The command's entry, or its subcommand's when `args` name one. */
function entryFor(name: string, args: readonly RedisArg[] | undefined): Entry {
  const entry = lookup(name);
  if (entry.subcommands === undefined) return entry;
  return subcommandOf(entry, args) ?? entry;
}

/**
 * Whether the command may be sent again after a lost connection although it may already have run: read-only
 * commands (by their flags, subcommands included), and PING, ECHO, INFO, TIME, LASTSAVE and ROLE.
 */
export function safeToResend(name: string, args?: readonly RedisArg[]): boolean {
  return entryFor(name, args).resendable;
}

function rangeIndexes(entry: Entry, length: number): number[] {
  const out: number[] = [];
  const stop = entry.last >= 0 ? Math.min(entry.last, length - 1) : length + entry.last;
  for (let i = entry.first; i <= stop; i += entry.step) out.push(i);
  return out;
}

function textOf(arg: RedisArg | undefined): string {
  if (typeof arg === 'string') return arg;
  return Buffer.isBuffer(arg) ? arg.toString('latin1') : '';
}

function isEmptyArg(arg: RedisArg | undefined): boolean {
  return arg === '' || (Buffer.isBuffer(arg) && arg.length === 0);
}

/** MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw | AUTH2 user pw] [KEYS key...]. */
function migrateIndexes(args: readonly RedisArg[]): number[] {
  if (!isEmptyArg(args[2])) return args.length > 2 ? [2] : [];
  for (let i = 5; i < args.length; i++) {
    const text = textOf(args[i]);
    if (text.length === 4 && text.toUpperCase() === 'KEYS') {
      const out: number[] = [];
      for (let j = i + 1; j < args.length; j++) out.push(j);
      return out;
    }
  }
  return [];
}

/**
 * SORT / SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern...] [ASC|DESC] [ALPHA] [STORE destination].
 * BY and GET patterns are not keys the router may hash (`BY nosort` is common; the server itself refuses patterns
 * that could reach other slots), so only the key and the STORE destination count.
 */
function sortIndexes(args: readonly RedisArg[]): number[] {
  if (args.length === 0) return [];
  const out = [0];
  for (let i = 1; i < args.length - 1; i++) {
    const word = textOf(args[i]).toUpperCase();
    if (word === 'BY' || word === 'GET') i++;
    else if (word === 'LIMIT') i += 2;
    else if (word === 'STORE') out.push(++i);
  }
  return out;
}

function movableIndexes(entry: Entry, args: readonly RedisArg[]): number[] {
  if (entry.lowerName === 'migrate') return migrateIndexes(args);
  if (entry.lowerName === 'sort' || entry.lowerName === 'sort_ro') return sortIndexes(args);
  // The package reads numkeys arguments as given: a numkeys beyond the arguments (which the server rejects
  // with its own error) would yield positions past the end, so they are dropped here.
  const found = metadata.getKeyIndexes(entry.lowerName, args as (string | Buffer | number)[]);
  let end = found.length;
  while (end > 0 && (found[end - 1] as number) >= args.length) end--;
  return end === found.length ? found : found.slice(0, end);
}

function indexesOf(entry: Entry, args: readonly RedisArg[]): number[] {
  switch (entry.keySpec) {
    case KeySpec.Range:
      return rangeIndexes(entry, args.length);
    case KeySpec.Movable:
      return movableIndexes(entry, args);
    case KeySpec.Container: {
      const sub = subcommandOf(entry, args);
      return sub === undefined ? [] : indexesOf(sub, args);
    }
    default:
      return [];
  }
}

/**
 * Positions in `args` (the arguments after the command name) of the command's keys, in order: what the cluster
 * router hashes. Handles numkeys forms (EVAL, FCALL, ZUNIONSTORE, LMPOP, BLMPOP, ZMPOP, SINTERCARD...), the STREAMS
 * form of XREAD / XREADGROUP, MIGRATE, and subcommands (OBJECT ENCODING, MEMORY USAGE, XINFO, XGROUP). Unknown
 * commands have no known keys.
 */
export function keyIndexes(name: string, args: readonly RedisArg[]): number[] {
  return indexesOf(lookup(name), args);
}

/**
 * For a command with exactly one key at a fixed position that cannot block: where the key is, and the flags. One
 * cached lookup instead of asking for the key indexes and the flags separately (the cluster's per-command fast path).
 */
export function singleKeyCommand(name: string): SingleKeyCommand | undefined {
  return lookup(name).singleKey;
}

/** The first key of the command, or undefined when it has none: what decides a single-slot command's node. */
export function firstKey(name: string, args: readonly RedisArg[]): RedisArg | undefined {
  const entry = lookup(name);
  if (entry.keySpec === KeySpec.Range) return entry.first < args.length ? args[entry.first] : undefined;
  if (entry.keySpec === KeySpec.None) return undefined;
  const index = indexesOf(entry, args)[0];
  return index === undefined ? undefined : args[index];
}

/** The keys of the command, in order (see `keyIndexes`). */
export function commandKeys(name: string, args: readonly RedisArg[]): RedisArg[] {
  const indexes = keyIndexes(name, args);
  const out = new Array<RedisArg>(indexes.length);
  for (let i = 0; i < indexes.length; i++) out[i] = args[indexes[i] as number] as RedisArg;
  return out;
}
