import { createHash } from 'node:crypto';
import type { Command, RedisArg, RedisKey } from '../command.js';
import { ArgumentError, ReplyError } from '../errors.js';

/** Anything that sends commands: a connection, a connection manager, a cluster connection, their Buffer views. */
export interface CommandSender {
  sendCommand<T>(command: Command<T>): Promise<T>;
}

/** What `Script#run` runs on: any `RedisCommands` (its Buffer view included). */
export interface ScriptRunner {
  runScript(script: Script, keys?: readonly RedisKey[], args?: readonly RedisArg[]): Promise<unknown>;
}

/** Options of `defineScript`. */
export interface ScriptOptions {
  /** How many keys the script takes; `run` rejects other counts before sending. */
  numberOfKeys?: number | undefined;
  /** Run it with EVALSHA_RO / EVAL_RO (Redis 7), so that it may go to replicas and is refused if it writes. */
  readOnly?: boolean | undefined;
}

/**
 * A Lua script whose SHA1 is computed once. `run` sends EVALSHA and, when the server does not know the script
 * (a `NOSCRIPT` reply: a new node, a restart, SCRIPT FLUSH), sends EVAL, which also loads it. The fallback happens
 * per call, on whichever node the keys route to.
 */
export class Script {
  /** The SHA1 of the source, as EVALSHA takes it. */
  readonly sha1: string;
  readonly numberOfKeys: number | undefined;
  readonly readOnly: boolean;

  constructor(
    readonly lua: string,
    options: ScriptOptions = {},
  ) {
    this.sha1 = createHash('sha1').update(lua).digest('hex');
    this.numberOfKeys = options.numberOfKeys;
    this.readOnly = options.readOnly ?? false;
  }

  /** Runs the script on `on` (e.g. `script.run(conn, ['key'], ['arg'])`); the script's reply as decoded. */
  run(on: ScriptRunner, keys?: readonly RedisKey[], args?: readonly RedisArg[]): Promise<unknown> {
    return on.runScript(this, keys, args);
  }
}

/** Defines a Lua script to run with `script.run(conn, keys, args)` or `conn.runScript(script, keys, args)`. */
export function defineScript(lua: string, options?: ScriptOptions): Script {
  return new Script(lua, options);
}

/** `first numkeys key... arg...` (EVAL, EVALSHA, FCALL). */
export function scriptArgs(
  first: RedisArg,
  keys: readonly RedisKey[] | undefined,
  args: readonly RedisArg[] | undefined,
): RedisArg[] {
  const out: RedisArg[] = [first, keys === undefined ? 0 : keys.length];
  if (keys !== undefined) for (let i = 0; i < keys.length; i++) out.push(keys[i] as RedisKey);
  if (args !== undefined) for (let i = 0; i < args.length; i++) out.push(args[i] as RedisArg);
  return out;
}

/** EVALSHA, then EVAL when the server answers NOSCRIPT. */
export async function runWithFallback(
  sender: CommandSender,
  script: Script,
  keys: readonly RedisKey[] | undefined,
  args: readonly RedisArg[] | undefined,
  returnBuffers: boolean,
): Promise<unknown> {
  const keyCount = keys === undefined ? 0 : keys.length;
  if (script.numberOfKeys !== undefined && keyCount !== script.numberOfKeys) {
    throw new ArgumentError(`this script takes ${script.numberOfKeys} key(s), ${keyCount} given`);
  }
  const shaArgs = scriptArgs(script.sha1, keys, args);
  try {
    return await sender.sendCommand({
      name: script.readOnly ? 'EVALSHA_RO' : 'EVALSHA',
      args: shaArgs,
      returnBuffers,
    });
  } catch (error) {
    if (!(error instanceof ReplyError) || error.prefix !== 'NOSCRIPT') throw error;
    const evalArgs = shaArgs.slice();
    evalArgs[0] = script.lua;
    return sender.sendCommand({ name: script.readOnly ? 'EVAL_RO' : 'EVAL', args: evalArgs, returnBuffers });
  }
}
