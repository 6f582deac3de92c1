import {
  type ClusterConnection,
  type Command,
  defineScript,
  type RedisArg,
  ReplyError,
  type Script,
  UsageError,
} from '@keyslot/client';
import { toArg } from './ioredis-commands.js';

/**
 * The Lua scripts BullMQ defines (`defineCommand`), one book per `ClusterConnection`, shared by every client made
 * on it, so each script's SHA1 is computed once. Single calls run with EVALSHA and fall back to EVAL on NOSCRIPT on
 * whichever node the keys route to. A pipeline's scripts are first loaded on every primary with SCRIPT LOAD; the
 * book remembers that until the topology changes (a promoted replica or a new primary has an empty script cache) or
 * a NOSCRIPT reply says otherwise. (A transaction sends each script's body once instead: see `BullmqTransaction`.)
 */
export class ScriptBook {
  private readonly scripts = new Map<string, Script>();
  private readonly loadedEverywhere = new Set<string>();

  constructor(private readonly connection: ClusterConnection) {
    connection.on('topologyChange', () => this.loadedEverywhere.clear());
  }

  define(name: string, numberOfKeys: number, lua: string): void {
    if (this.scripts.get(name)?.lua === lua) return;
    this.scripts.set(name, defineScript(lua, { numberOfKeys }));
  }

  /** The script defined under `name`; throws when BullMQ never defined it on this connection. */
  script(name: string): Script {
    const script = this.scripts.get(name);
    if (script === undefined) {
      throw new UsageError(`BullMQ script '${name}' was never defined on this connection (defineCommand)`);
    }
    return script;
  }

  /** Runs a script once, with its keys first in `args` as BullMQ passes them. */
  run(name: string, args: readonly unknown[]): Promise<unknown> {
    const script = this.script(name);
    const values = scriptValues(args);
    const keyCount = script.numberOfKeys ?? 0;
    return this.connection.runScript(script, values.slice(0, keyCount) as string[], values.slice(keyCount));
  }

  /** EVALSHA of a script as one command of a pipeline or transaction (see `loadEverywhere`). */
  evalsha(script: Script, args: readonly unknown[]): Command<unknown> {
    return { name: 'EVALSHA', args: [script.sha1, script.numberOfKeys ?? 0, ...scriptValues(args)] };
  }

  /** Loads on every primary, once, the scripts that a pipeline is about to EVALSHA. */
  async loadEverywhere(scripts: Iterable<Script>): Promise<void> {
    const missing = [...new Set(scripts)].filter((script) => !this.loadedEverywhere.has(script.sha1));
    // SCRIPT LOAD is fanned out to every primary by the connection, and succeeds only if it succeeds on all.
    await Promise.all(missing.map((script) => this.connection.scriptLoad(script.lua)));
    for (const script of missing) this.loadedEverywhere.add(script.sha1);
  }

  /** A NOSCRIPT reply came back: some primary lost its scripts (restart, SCRIPT FLUSH); load them again next time. */
  forgetLoaded(): void {
    this.loadedEverywhere.clear();
  }
}

/** The book of a connection, made on first use. */
const books = new WeakMap<ClusterConnection, ScriptBook>();
export function scriptBookOf(connection: ClusterConnection): ScriptBook {
  let book = books.get(connection);
  if (book === undefined) {
    book = new ScriptBook(connection);
    books.set(connection, book);
  }
  return book;
}

/** Whether a script failed only because the node did not have it: it did not run. */
export function isNoScript(error: unknown): boolean {
  return error instanceof ReplyError && error.prefix === 'NOSCRIPT';
}

/** BullMQ passes a script's keys and arguments as one array (ioredis flattens it); each as ioredis would send it. */
function scriptValues(args: readonly unknown[]): RedisArg[] {
  const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  return list.map(toArg);
}
