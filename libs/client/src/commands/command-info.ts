/**
 * What the router needs to know about a command: its flags (read-only? blocking?), the server's fan-out policies,
 * and where its keys are. All of it comes from the command table that tools/command-gen generates from the
 * servers' own command specs, and, for commands no spec knows (modules), from what `COMMAND INFO` told a
 * connection (`learned-commands.ts`). Key positions follow the servers' key specs; hand-written here are only
 * MIGRATE (an empty key means the KEYS form) and SORT (its BY and GET patterns are no keys to route by). Lookups
 * are cached per name, so each costs one Map lookup after the first.
 */
import type { RedisArg } from '../command.js';
import type { CommandSpec, KeySpec as KeySpecOfCommand } from './command-spec.js';
import { COMMAND_TABLE } from './generated/command-table.js';
import { learnedCommand } from './learned-commands.js';

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

/** Where a command's keys are. */
const KeySpec = {
  /** No keys. */
  None: 0,
  /** From `keyStart` to `keyStop` by `step`, fixed by the table. */
  Range: 1,
  /** Depends on the arguments: the key specs are read per call. */
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
  /** For `Movable`: the server's key specs, read per call. */
  readonly keySpecs: readonly KeySpecOfCommand[];
  /** For `Container`: the subcommands by lower- and upper-case name. */
  readonly subcommands: Map<string, Entry> | undefined;
  /** Set for a `Range` of exactly one key on a command that cannot block. */
  readonly singleKey: SingleKeyCommand | undefined;
  /** May be sent again after a lost connection (see `safeToResend`). */
  readonly resendable: boolean;
}

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
  keySpecs: [],
  subcommands: undefined,
  singleKey: undefined,
  resendable: false,
};

function flagsOf(spec: CommandSpec): CommandFlags {
  const has = new Set(spec.flags);
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
    requestPolicy: spec.requestPolicy,
    responsePolicy: spec.responsePolicy,
  });
}

/** Queries the server does not flag read-only although they change nothing: sending one twice is harmless. */
const HARMLESS_QUERIES = new Set(['ping', 'echo', 'info', 'time', 'lastsave', 'role']);

/**
 * The one range `[first, last, step]` (argv positions) that covers every key, when the key specs are plain
 * ranges the server can describe that way (`populateCommandLegacyRangeSpec` in server.c); undefined otherwise.
 */
function legacyRange(specs: readonly KeySpecOfCommand[]): [number, number, number] | undefined {
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  let step = 1;
  for (const spec of specs) {
    if (spec.index === undefined || spec.range === undefined || spec.incomplete) return undefined;
    const [lastKey, keyStep] = spec.range;
    if (specs.length === 1) step = keyStep;
    else if (keyStep !== 1 || (last !== 0 && last !== spec.index - 1)) return undefined;
    first = Math.min(first, spec.index);
    const end = lastKey >= 0 ? spec.index + lastKey : lastKey;
    last = end < 0 || last < 0 ? Math.min(last, end) : Math.max(last, end);
  }
  return first === Number.POSITIVE_INFINITY ? undefined : [first, last, step];
}

function entryOf(lowerName: string, spec: CommandSpec): Entry {
  let subcommands: Map<string, Entry> | undefined;
  let keySpec: KeySpec = KeySpec.None;
  const keySpecs = spec.keys ?? [];
  let range: [number, number, number] | undefined;
  if (spec.subcommands !== undefined) {
    subcommands = new Map();
    for (const [name, sub] of Object.entries(spec.subcommands)) {
      const entry = entryOf(lowerName, sub);
      subcommands.set(name.toLowerCase(), entry);
      subcommands.set(name.toUpperCase(), entry);
    }
    keySpec = KeySpec.Container;
  } else if (keySpecs.length > 0) {
    range = spec.flags.includes('movablekeys') ? undefined : legacyRange(keySpecs);
    keySpec = range === undefined ? KeySpec.Movable : KeySpec.Range;
  }
  // Key specs count from the command name (argv[0]); `args` starts after it. A negative last key counts from
  // the end, the same in both.
  const first = range === undefined ? -1 : range[0] - 1;
  const last = range === undefined ? -1 : range[1] > 0 ? range[1] - 1 : range[1];
  const flags = flagsOf(spec);
  const single = keySpec === KeySpec.Range && last === first && !flags.blocking;
  return {
    lowerName,
    flags,
    keySpec,
    first,
    last,
    step: range === undefined ? 0 : range[2],
    keySpecs,
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
  const spec = Object.hasOwn(COMMAND_TABLE, lowerName) ? COMMAND_TABLE[lowerName] : learnedCommand(lowerName);
  // Unknown names are not cached: `call()` with made-up names must not grow the cache.
  if (spec === undefined) return UNKNOWN;
  const entry = cache.get(lowerName) ?? entryOf(lowerName, spec);
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

/** An integer argument (numkeys), or -1 when it is none. */
function integerOf(arg: RedisArg | undefined): number {
  const value = typeof arg === 'number' ? arg : Number(typeof arg === 'bigint' ? arg : textOf(arg));
  return Number.isSafeInteger(value) && value >= 0 ? value : -1;
}

function isKeyword(arg: RedisArg | undefined, keyword: string): boolean {
  const text = textOf(arg);
  return text.length === keyword.length && text.toUpperCase() === keyword;
}

/**
 * Key positions by the server's key specs, as `getKeysUsingKeySpecs` in db.c finds them, counting in argv
 * (`args` shifted by one). A spec that cannot be read (a missing keyword, a bad numkeys) gives no keys; a numkeys
 * beyond the arguments, which the server rejects with its own error, gives the keys that are there.
 */
function specIndexes(specs: readonly KeySpecOfCommand[], args: readonly RedisArg[]): number[] {
  const argc = args.length + 1;
  const out: number[] = [];
  for (const spec of specs) {
    let first = 0;
    if (spec.index !== undefined) {
      first = spec.index;
    } else if (spec.keyword !== undefined) {
      const from = spec.from ?? 1;
      const start = from > 0 ? from : argc + from;
      const end = from > 0 ? argc - 1 : 1;
      for (let i = start; i !== end && i < argc && i >= 1; i = start <= end ? i + 1 : i - 1) {
        if (isKeyword(args[i - 1], spec.keyword)) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    } else {
      return [];
    }
    let last: number;
    let step: number;
    if (spec.range !== undefined) {
      const [lastKey, keyStep, limit] = spec.range;
      step = keyStep;
      if (lastKey >= 0) last = first + lastKey;
      else if (limit === 0) last = argc + lastKey;
      else last = first + Math.floor((argc - first) / limit) + lastKey;
    } else if (spec.keynum !== undefined) {
      const [numkeysIndex, firstKey, keyStep] = spec.keynum;
      const numkeys = integerOf(args[first + numkeysIndex - 1]);
      if (numkeys < 0) continue;
      step = keyStep;
      first += firstKey;
      last = Math.min(first + numkeys - 1, argc - 1);
    } else {
      return [];
    }
    if (first >= argc || last < first) continue;
    for (let i = first; i <= last && i < argc; i += step) out.push(i - 1);
  }
  return out;
}

function movableIndexes(entry: Entry, args: readonly RedisArg[]): number[] {
  if (entry.lowerName === 'migrate') return migrateIndexes(args);
  if (entry.lowerName === 'sort' || entry.lowerName === 'sort_ro') return sortIndexes(args);
  return specIndexes(entry.keySpecs, args);
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
