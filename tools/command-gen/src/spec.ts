// The command spec format of the servers' `src/commands/*.json` (see the README.md in that folder of the Redis
// sources), and the merged view of several servers that the generator works from.
import type { ServerRelease, ServerSpecs } from './sources.js';

/** One argument of a command, as the spec describes it. */
export interface RawArgument {
  readonly name: string;
  readonly type:
    | 'string'
    | 'integer'
    | 'double'
    | 'key'
    | 'pattern'
    | 'unix-time'
    | 'pure-token'
    | 'oneof'
    | 'block';
  readonly token?: string;
  readonly optional?: boolean;
  readonly multiple?: boolean;
  readonly multiple_token?: boolean;
  readonly arguments?: readonly RawArgument[];
  readonly key_spec_index?: number;
  readonly display?: string;
}

/** One key spec: where a command's keys begin and how many follow. */
export interface RawKeySpec {
  readonly flags?: readonly string[];
  readonly begin_search:
    | { index: { pos: number } }
    | { keyword: { keyword: string; startfrom: number } }
    | { unknown: null };
  readonly find_keys:
    | { range: { lastkey: number; step: number; limit: number } }
    | { keynum: { keynumidx: number; firstkey: number; step: number } }
    | { unknown: null };
}

/** A JSON schema of a reply (a subset of JSON Schema, as the specs use it). */
export interface ReplySchema {
  readonly type?: 'null' | 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';
  readonly const?: string | number;
  readonly description?: string;
  /** Only `'#'` is used: the whole reply again (COMMAND DOCS' subcommands). */
  readonly $ref?: string;
  readonly oneOf?: readonly ReplySchema[];
  readonly anyOf?: readonly ReplySchema[];
  readonly items?: ReplySchema | readonly ReplySchema[];
  readonly additionalItems?: ReplySchema | boolean;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly properties?: Readonly<Record<string, ReplySchema>>;
  readonly additionalProperties?: ReplySchema | boolean;
  readonly patternProperties?: Readonly<Record<string, ReplySchema>>;
  readonly required?: readonly string[];
  readonly enum?: readonly (string | number)[];
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
}

/** One command's spec file entry. */
export interface RawCommand {
  readonly summary?: string;
  readonly since: string;
  readonly group: string;
  readonly arity: number;
  readonly container?: string;
  readonly function?: string;
  readonly get_keys_function?: string;
  readonly command_flags?: readonly string[];
  readonly acl_categories?: readonly string[];
  readonly command_tips?: readonly string[];
  readonly key_specs?: readonly RawKeySpec[];
  readonly reply_schema?: ReplySchema;
  readonly arguments?: readonly RawArgument[];
  readonly deprecated_since?: string;
  readonly replaced_by?: string;
  readonly doc_flags?: readonly string[];
}

/** A command (or subcommand) as every source server knows it. */
export interface Command {
  /** Upper case, with the container: `GET`, `OBJECT ENCODING`. */
  readonly name: string;
  /** For a subcommand: the container's name (`OBJECT`) and its own (`ENCODING`). */
  readonly container: string | undefined;
  readonly subcommand: string | undefined;
  /** The spec the generator follows: the first source server's that has it (Redis before Valkey). */
  readonly spec: RawCommand;
  /** Which source servers have it. */
  readonly servers: readonly ServerRelease[];
  /** The one-line summary from a BSD-licensed spec (Valkey's), when one has the command. */
  readonly summary: string | undefined;
  /** For a container (OBJECT, CLIENT...): its subcommands, by upper-case name. */
  readonly subcommands: ReadonlyMap<string, Command>;
}

/** Every command of the source servers, by upper-case name, sorted. */
export interface CommandSet {
  readonly sources: readonly ServerRelease[];
  /** Top-level commands (containers hold their subcommands). */
  readonly commands: ReadonlyMap<string, Command>;
}

interface Builder {
  name: string;
  container: string | undefined;
  subcommand: string | undefined;
  spec: RawCommand;
  servers: ServerRelease[];
  summary: string | undefined;
  subcommands: Map<string, Builder>;
}

function freeze(builder: Builder): Command {
  const subcommands = new Map<string, Command>();
  for (const name of [...builder.subcommands.keys()].sort()) {
    subcommands.set(name, freeze(builder.subcommands.get(name)!));
  }
  return { ...builder, subcommands };
}

/** Merges the specs of several servers: a command any of them has is in the set. */
export function mergeSpecs(servers: readonly ServerSpecs[]): CommandSet {
  // Redis first, then Valkey: where both have a command, Redis's spec is followed (their differences are
  // descriptions and Valkey-only options, which stay reachable through call()).
  const ordered = [...servers].sort((a, b) =>
    a.family === b.family ? a.name.localeCompare(b.name) : a.family === 'redis' ? -1 : 1,
  );
  const top = new Map<string, Builder>();
  const entries: { server: ServerSpecs; name: string; spec: RawCommand }[] = [];
  for (const server of ordered) {
    for (const file of server.files.values()) {
      for (const [name, spec] of Object.entries(file)) entries.push({ server, name, spec });
    }
  }
  const release = (server: ServerSpecs): ServerRelease => ({
    name: server.name,
    family: server.family,
    version: server.version,
  });
  const get = (map: Map<string, Builder>, name: string, container: string | undefined, spec: RawCommand) => {
    let builder = map.get(name);
    if (!builder) {
      builder = {
        name: container ? `${container} ${name}` : name,
        container,
        subcommand: container ? name : undefined,
        spec,
        servers: [],
        summary: undefined,
        subcommands: new Map(),
      };
      map.set(name, builder);
    }
    return builder;
  };
  // Containers first, so that a subcommand always finds its container's entry.
  for (const { server, name, spec } of entries) {
    if (spec.container) continue;
    const builder = get(top, name.toUpperCase(), undefined, spec);
    if (!builder.servers.some((s) => s.name === server.name)) builder.servers.push(release(server));
    if (server.family === 'valkey' && builder.summary === undefined) builder.summary = spec.summary;
  }
  for (const { server, name, spec } of entries) {
    if (!spec.container) continue;
    const parent = top.get(spec.container.toUpperCase());
    if (!parent) throw new Error(`${server.name}: ${spec.container} ${name} has no container entry`);
    const builder = get(parent.subcommands, name.toUpperCase(), parent.name, spec);
    if (!builder.servers.some((s) => s.name === server.name)) builder.servers.push(release(server));
    if (server.family === 'valkey' && builder.summary === undefined) builder.summary = spec.summary;
  }
  const commands = new Map<string, Command>();
  for (const name of [...top.keys()].sort()) commands.set(name, freeze(top.get(name)!));
  return { sources: ordered.map(release), commands };
}

/** Every command and subcommand, containers before their subcommands, in name order. */
export function* allCommands(set: CommandSet): Generator<Command> {
  for (const command of set.commands.values()) {
    yield command;
    yield* command.subcommands.values();
  }
}

/** The spec's flags, lower case (`readonly`, `no_multi`...). */
export function flagsOf(command: Command): string[] {
  return (command.spec.command_flags ?? []).map((flag) => flag.toLowerCase());
}
