/**
 * The shape of one entry of the command table (`generated/command-table.ts`, written by tools/command-gen from
 * the servers' own command specs, and of the entries learned from `COMMAND INFO` for module commands).
 */

/**
 * Where some of a command's keys are (one of the server's key specs). Positions count the command name as 0, as
 * the server does: `GET key` has its key at `index: 1`.
 */
export interface KeySpec {
  /** The search begins at this position... */
  readonly index?: number | undefined;
  /** ...or after this keyword, looked for from position `from` (negative: from the end, backwards). */
  readonly keyword?: string | undefined;
  readonly from?: number | undefined;
  /**
   * Keys from there on: `[lastkey, step, limit]`. `lastkey` is relative to the first key (0: just one), or
   * negative from the end; with a `limit`, only the first 1/limit of the remaining arguments are keys (XREAD).
   */
  readonly range?: readonly [number, number, number] | undefined;
  /** Or: `[numkeys index, first key, step]`, both relative to where the search began (EVAL, ZUNION...). */
  readonly keynum?: readonly [number, number, number] | undefined;
  /** Not a key but routed like one: a shard channel (SPUBLISH, SSUBSCRIBE). */
  readonly notKey?: boolean | undefined;
  /** May miss keys: the server needs its own code to find them all (MIGRATE's KEYS form). */
  readonly incomplete?: boolean | undefined;
}

/** One command as the servers describe it. */
export interface CommandSpec {
  /** Arguments including the name: exactly that many when positive, at least -arity when negative. */
  readonly arity: number;
  /** The server's flags in lower case (`readonly`, `write`, `blocking`, `movablekeys`, `no_multi`...). */
  readonly flags: readonly string[];
  /** ACL categories without the `@` (`read`, `string`, `fast`...), the implicit ones included. */
  readonly acl?: readonly string[] | undefined;
  /** Where its keys are; none for keyless commands and containers (their subcommands have their own). */
  readonly keys?: readonly KeySpec[] | undefined;
  /** The server's request policy tip for a cluster (`all_shards`, `all_nodes`, `multi_shard`, `special`). */
  readonly requestPolicy?: string | undefined;
  /** The server's response policy tip (`agg_sum`, `all_succeeded`, `one_succeeded`, `agg_logical_and`...). */
  readonly responsePolicy?: string | undefined;
  /** The documentation group (`string`, `sorted_set`, `server`...). */
  readonly group?: string | undefined;
  /** The server version that introduced it. */
  readonly since?: string | undefined;
  /** Only this server family has it (absent: every source server). */
  readonly only?: 'redis' | 'valkey' | undefined;
  /** A container's subcommands (`OBJECT ENCODING`...), keyed by lower-case name. */
  readonly subcommands?: Readonly<Record<string, CommandSpec>> | undefined;
}
