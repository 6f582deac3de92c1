// The command table the router reads (flags, key specs, fan-out tips), emitted as TypeScript data.

import { literal, propertyName } from './emit.js';
import { type Command, type CommandSet, flagsOf, type RawCommand, type RawKeySpec } from './spec.js';

/** ACL categories the server adds from a command's flags (`setImplicitACLCategories` in server.c). */
function aclCategories(spec: RawCommand): string[] {
  const flags = new Set((spec.command_flags ?? []).map((flag) => flag.toUpperCase()));
  const out = new Set((spec.acl_categories ?? []).map((category) => category.toLowerCase()));
  if (flags.has('WRITE')) out.add('write');
  // Scripting commands flagged READONLY are not @read (server.c says so: they only may be).
  if (flags.has('READONLY') && !out.has('scripting')) out.add('read');
  if (flags.has('ADMIN')) {
    out.add('admin');
    out.add('dangerous');
  }
  if (flags.has('PUBSUB')) out.add('pubsub');
  if (flags.has('FAST')) out.add('fast');
  if (flags.has('BLOCKING')) out.add('blocking');
  if (!out.has('fast')) out.add('slow');
  return [...out].sort();
}

/** The key spec reduced to what routing reads. */
function keySpec(raw: RawKeySpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const begin = raw.begin_search;
  if ('index' in begin) out.index = begin.index.pos;
  else if ('keyword' in begin) {
    out.keyword = begin.keyword.keyword;
    out.from = begin.keyword.startfrom;
  }
  const find = raw.find_keys;
  if ('range' in find) out.range = [find.range.lastkey, find.range.step, find.range.limit];
  else if ('keynum' in find) out.keynum = [find.keynum.keynumidx, find.keynum.firstkey, find.keynum.step];
  const flags = new Set(raw.flags ?? []);
  if (flags.has('NOT_KEY')) out.notKey = true;
  if (flags.has('INCOMPLETE')) out.incomplete = true;
  return out;
}

const isPlainRange = (raw: RawKeySpec): boolean => 'index' in raw.begin_search && 'range' in raw.find_keys;

/**
 * Whether the server flags the command `movablekeys`: its key positions depend on the arguments
 * (`populateCommandLegacyRangeSpec` in server.c).
 */
function movableKeys(specs: readonly RawKeySpec[]): boolean {
  if (specs.length === 0) return false;
  if (specs.length === 1 && isPlainRange(specs[0]!)) return (specs[0]!.flags ?? []).includes('INCOMPLETE');
  let previousLast = 0;
  for (const spec of specs) {
    if (!isPlainRange(spec)) return true;
    const begin = (spec.begin_search as { index: { pos: number } }).index.pos;
    const range = (spec.find_keys as { range: { lastkey: number; step: number } }).range;
    if (range.step !== 1 || (previousLast && previousLast !== begin - 1)) return true;
    if ((spec.flags ?? []).includes('INCOMPLETE')) return true;
    const last = range.lastkey >= 0 ? range.lastkey + begin : range.lastkey;
    // Unsigned comparison, as the server does: a negative last key (counted from the end) wins.
    previousLast = last < 0 || previousLast < 0 ? -1 : Math.max(previousLast, last);
  }
  return false;
}

function tip(spec: RawCommand, prefix: string): string | undefined {
  const found = (spec.command_tips ?? []).find((t) => t.toUpperCase().startsWith(`${prefix}:`));
  return found?.slice(prefix.length + 1).toLowerCase();
}

function entryOf(command: Command, set: CommandSet): Record<string, unknown> {
  const spec = command.spec;
  const flags = flagsOf(command);
  if (movableKeys(spec.key_specs ?? [])) flags.push('movablekeys');
  const out: Record<string, unknown> = { arity: spec.arity, flags };
  if (command.subcommands.size === 0) out.acl = aclCategories(spec);
  if (spec.key_specs?.length) out.keys = spec.key_specs.map(keySpec);
  const request = tip(spec, 'REQUEST_POLICY');
  const response = tip(spec, 'RESPONSE_POLICY');
  if (request) out.requestPolicy = request;
  if (response) out.responsePolicy = response;
  out.group = spec.group;
  out.since = spec.since;
  const families = new Set(command.servers.map((server) => server.family));
  if (families.size < new Set(set.sources.map((source) => source.family)).size) {
    out.only = [...families][0];
  }
  if (command.subcommands.size > 0) {
    const subcommands: Record<string, unknown> = {};
    for (const [name, sub] of command.subcommands) subcommands[name.toLowerCase()] = entryOf(sub, set);
    out.subcommands = subcommands;
  }
  return out;
}

/** The file of one group's entries: `generated/table/<group>.ts`. */
export function tableFileOf(group: string): string {
  return `table/${group.replace(/_/g, '-')}.ts`;
}

function tableConstOf(group: string): string {
  return `${group.toUpperCase()}_COMMANDS`;
}

/**
 * The command table: one file per documentation group (`generated/table/<group>.ts`) and
 * `generated/command-table.ts`, which joins them. Keyed by lower-case name. Returns file path → source.
 */
export function emitCommandTable(set: CommandSet, header: string): Map<string, string> {
  const groups = new Map<string, [string, Command][]>();
  for (const [name, command] of set.commands) {
    const group = command.spec.group;
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group)!.push([name, command]);
  }
  const files = new Map<string, string>();
  const names = [...groups.keys()].sort();
  for (const group of names) {
    const lines = [
      header,
      "import type { CommandSpec } from '../../command-spec.js';",
      '',
      `/** The ${group.replace(/_/g, ' ')} commands, keyed by lower-case name. */`,
      `export const ${tableConstOf(group)}: Readonly<Record<string, CommandSpec>> = {`,
    ];
    for (const [name, command] of groups.get(group)!) {
      lines.push(`  ${propertyName(name.toLowerCase())}: ${literal(entryOf(command, set))},`);
    }
    lines.push('};', '');
    files.set(tableFileOf(group), lines.join('\n'));
  }
  const lines = [
    header,
    "import type { CommandSpec } from '../command-spec.js';",
    ...names.map(
      (group) => `import { ${tableConstOf(group)} } from './${tableFileOf(group).replace(/\.ts$/, '.js')}';`,
    ),
    '',
    '/** The server releases this table was generated from. */',
    `export const COMMAND_SOURCES: readonly string[] = ${literal(set.sources.map((s) => s.name))};`,
    '',
    '/** Every command the source servers know, keyed by lower-case name: flags, key specs, fan-out tips. */',
    'export const COMMAND_TABLE: Readonly<Record<string, CommandSpec>> = Object.assign(',
    '  Object.create(null),',
    ...names.map((group) => `  ${tableConstOf(group)},`),
    ');',
    '',
  ];
  files.set('command-table.ts', lines.join('\n'));
  return files;
}
