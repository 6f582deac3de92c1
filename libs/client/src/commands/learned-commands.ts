/**
 * Commands no spec in the generated table knows (a module's `JSON.GET`, `FT.SEARCH`, `BF.ADD`...): what a server's
 * `COMMAND INFO` says about them, so that `call('JSON.GET', key, '$')` routes to the key's owner, replicas serve
 * the module's read-only commands, and a lost connection re-sends only those. A cluster connection asks once when
 * it connects (`learnUnknownCommands`); the lookups in `command-info.ts` consult this registry for names the
 * table does not have.
 */
import type { CommandSpec, KeySpec } from './command-spec.js';
import { COMMAND_TABLE } from './generated/command-table.js';
import { toRecord, toText } from './replies.js';
import type { CommandSender } from './script.js';

const learned = new Map<string, CommandSpec>();

/** What `COMMAND INFO` said about a command the table does not know, by lower-case name. */
export function learnedCommand(lowerName: string): CommandSpec | undefined {
  return learned.get(lowerName);
}

function integer(value: unknown): number {
  return typeof value === 'number' ? value : Number(toText(value));
}

function texts(value: unknown): string[] {
  return Array.isArray(value) ? value.map((item) => toText(item).toLowerCase()) : [];
}

/** One key spec of COMMAND INFO (a map in RESP3, a flat array in RESP2). */
function keySpecOf(raw: unknown): KeySpec | undefined {
  const spec = toRecord(raw);
  const begin = toRecord(spec.begin_search);
  const find = toRecord(spec.find_keys);
  const beginSpec = toRecord(begin.spec);
  const findSpec = toRecord(find.spec);
  const flags = texts(spec.flags);
  const out: { -readonly [K in keyof KeySpec]: KeySpec[K] } = {};
  switch (toText(begin.type)) {
    case 'index':
      out.index = integer(beginSpec.index);
      break;
    case 'keyword':
      out.keyword = toText(beginSpec.keyword).toUpperCase();
      out.from = integer(beginSpec.startfrom);
      break;
    default:
      return undefined;
  }
  switch (toText(find.type)) {
    case 'range':
      out.range = [integer(findSpec.lastkey), integer(findSpec.keystep), integer(findSpec.limit)];
      break;
    case 'keynum':
      out.keynum = [integer(findSpec.keynumidx), integer(findSpec.firstkey), integer(findSpec.keystep)];
      break;
    default:
      return undefined;
  }
  if (flags.includes('not_key')) out.notKey = true;
  if (flags.includes('incomplete')) out.incomplete = true;
  return out;
}

/**
 * One entry of a `COMMAND INFO` reply: `[name, arity, flags, first key, last key, step, ACL categories, tips,
 * key specs, subcommands]`.
 */
export function commandSpecOf(entry: readonly unknown[]): CommandSpec {
  const flags = texts(entry[2]);
  const first = integer(entry[3]);
  const last = integer(entry[4]);
  const step = integer(entry[5]);
  const rawSpecs = Array.isArray(entry[8]) ? entry[8] : [];
  let keys: KeySpec[] = [];
  for (const raw of rawSpecs) {
    const spec = keySpecOf(raw);
    // A spec this client cannot read (`unknown`): the keys stay unknown rather than half known.
    if (spec === undefined) {
      keys = [];
      break;
    }
    keys.push(spec);
  }
  // Modules without key specs: the legacy range, unless it depends on the arguments.
  if (rawSpecs.length === 0 && first > 0 && !flags.includes('movablekeys')) {
    keys = [{ index: first, range: [last >= 0 ? last - first : last, step, 0] }];
  }
  const tips = texts(entry[7]);
  const tip = (prefix: string) => tips.find((t) => t.startsWith(`${prefix}:`))?.slice(prefix.length + 1);
  const spec: { -readonly [K in keyof CommandSpec]: CommandSpec[K] } = {
    arity: integer(entry[1]),
    flags,
    acl: texts(entry[6]).map((category) => category.replace(/^@/, '')),
  };
  if (keys.length > 0) spec.keys = keys;
  const requestPolicy = tip('request_policy');
  const responsePolicy = tip('response_policy');
  if (requestPolicy) spec.requestPolicy = requestPolicy;
  if (responsePolicy) spec.responsePolicy = responsePolicy;
  const subcommands = Array.isArray(entry[9]) ? entry[9] : [];
  if (subcommands.length > 0) {
    const byName: Record<string, CommandSpec> = {};
    for (const sub of subcommands as unknown[][]) {
      // Subcommands are named `container|sub`.
      const name = toText(sub[0]).toLowerCase();
      byName[name.slice(name.indexOf('|') + 1)] = commandSpecOf(sub);
    }
    spec.subcommands = byName;
  }
  return spec;
}

/** Records every entry of a `COMMAND INFO` reply that the table does not know; returns how many were new. */
export function learnCommandInfo(reply: unknown): number {
  if (!Array.isArray(reply)) return 0;
  let added = 0;
  for (const entry of reply) {
    if (!Array.isArray(entry)) continue;
    const name = toText(entry[0]).toLowerCase();
    if (Object.hasOwn(COMMAND_TABLE, name) || learned.has(name)) continue;
    learned.set(name, commandSpecOf(entry));
    added++;
  }
  return added;
}

/** Upper bound on the names asked about at once: a server with hundreds of module commands is asked in slices. */
const NAMES_PER_REQUEST = 100;

/**
 * Asks a server which commands it has (`COMMAND LIST`) and, for those the table does not know, `COMMAND INFO`.
 * Resolves with how many were learned; rejects when the server refuses (e.g. an ACL without `COMMAND`), which
 * callers ignore: such commands still work, only routed by redirects instead of up front.
 */
export async function learnUnknownCommands(sender: CommandSender): Promise<number> {
  const names = await sender.sendCommand<string[]>({
    name: 'COMMAND',
    args: ['LIST'],
    returnBuffers: false,
    transform: (reply) => (Array.isArray(reply) ? reply.map(toText) : []),
  });
  const unknown = names.filter((name) => {
    const lower = name.toLowerCase();
    return !Object.hasOwn(COMMAND_TABLE, lower) && !learned.has(lower);
  });
  let added = 0;
  for (let i = 0; i < unknown.length; i += NAMES_PER_REQUEST) {
    const reply = await sender.sendCommand({
      name: 'COMMAND',
      args: ['INFO', ...unknown.slice(i, i + NAMES_PER_REQUEST)],
      returnBuffers: false,
    });
    added += learnCommandInfo(reply);
  }
  return added;
}
