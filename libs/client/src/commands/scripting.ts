import type { RedisArg, RedisKey } from '../command.js';
import { listOf } from './base.js';
import { toBooleans } from './replies.js';
import { runWithFallback, type Script, scriptArgs } from './script.js';
import { StreamGroupCommands } from './stream-groups.js';
import type { FlushMode, Variadic } from './types.js';

/** Lua scripts and functions. Replies are passed on as decoded (Buffers for bulk strings on the Buffer view). */
export abstract class ScriptingCommands<S extends string | Buffer = string> extends StreamGroupCommands<S> {
  /** EVAL: runs a Lua script with `keys` (KEYS[]) and `args` (ARGV[]); its reply. */
  eval(script: string, keys?: readonly RedisKey[], args?: readonly RedisArg[]): Promise<unknown> {
    return this.sendCommand({
      name: 'EVAL',
      args: scriptArgs(script, keys, args),
      returnBuffers: this.returnBuffers,
    });
  }

  /** EVALSHA: runs a loaded script by its SHA1; rejects with a `NOSCRIPT` ReplyError when it is not loaded. */
  evalsha(sha1: string, keys?: readonly RedisKey[], args?: readonly RedisArg[]): Promise<unknown> {
    return this.sendCommand({
      name: 'EVALSHA',
      args: scriptArgs(sha1, keys, args),
      returnBuffers: this.returnBuffers,
    });
  }

  /** EVAL_RO: like `eval`, for a script that does not write. */
  evalRo(script: string, keys?: readonly RedisKey[], args?: readonly RedisArg[]): Promise<unknown> {
    return this.sendCommand({
      name: 'EVAL_RO',
      args: scriptArgs(script, keys, args),
      returnBuffers: this.returnBuffers,
    });
  }

  /** EVALSHA_RO: like `evalsha`, for a script that does not write. */
  evalshaRo(sha1: string, keys?: readonly RedisKey[], args?: readonly RedisArg[]): Promise<unknown> {
    return this.sendCommand({
      name: 'EVALSHA_RO',
      args: scriptArgs(sha1, keys, args),
      returnBuffers: this.returnBuffers,
    });
  }

  /** Runs a script from `defineScript`: EVALSHA, falling back to EVAL on NOSCRIPT. Not for transactions. */
  runScript(script: Script, keys?: readonly RedisKey[], args?: readonly RedisArg[]): Promise<unknown> {
    return runWithFallback(this, script, keys, args, this.returnBuffers);
  }

  /** SCRIPT LOAD: loads a script without running it; its SHA1. */
  scriptLoad(script: string): Promise<string> {
    return this.sendCommand({ name: 'SCRIPT', args: ['LOAD', script], returnBuffers: false });
  }

  /** SCRIPT EXISTS: for each SHA1, in order, whether it is loaded. */
  scriptExists(...sha1s: Variadic<string>): Promise<boolean[]> {
    const list = listOf(sha1s);
    const args: RedisArg[] = ['EXISTS'];
    for (let i = 0; i < list.length; i++) args.push(list[i] as string);
    return this.sendCommand({ name: 'SCRIPT', args, returnBuffers: false, transform: toBooleans });
  }

  /** SCRIPT FLUSH: unloads every script; `'OK'`. */
  scriptFlush(mode?: FlushMode): Promise<'OK'> {
    return this.sendCommand({
      name: 'SCRIPT',
      args: mode === undefined ? ['FLUSH'] : ['FLUSH', mode],
      returnBuffers: false,
    });
  }

  /** FCALL: calls a function of a loaded library; its reply. */
  fcall(fn: string, keys?: readonly RedisKey[], args?: readonly RedisArg[]): Promise<unknown> {
    return this.sendCommand({
      name: 'FCALL',
      args: scriptArgs(fn, keys, args),
      returnBuffers: this.returnBuffers,
    });
  }

  /** FCALL_RO: like `fcall`, for a function flagged `no-writes`. */
  fcallRo(fn: string, keys?: readonly RedisKey[], args?: readonly RedisArg[]): Promise<unknown> {
    return this.sendCommand({
      name: 'FCALL_RO',
      args: scriptArgs(fn, keys, args),
      returnBuffers: this.returnBuffers,
    });
  }

  /** FUNCTION LOAD: loads a library (`#!lua name=...`); its name. */
  functionLoad(code: string, options?: { replace?: boolean }): Promise<string> {
    const args: RedisArg[] = options?.replace ? ['LOAD', 'REPLACE', code] : ['LOAD', code];
    return this.sendCommand({ name: 'FUNCTION', args, returnBuffers: false });
  }

  /** FUNCTION DELETE: deletes a library; `'OK'`. */
  functionDelete(library: string): Promise<'OK'> {
    return this.sendCommand({ name: 'FUNCTION', args: ['DELETE', library], returnBuffers: false });
  }

  /** FUNCTION FLUSH: deletes every library; `'OK'`. */
  functionFlush(mode?: FlushMode): Promise<'OK'> {
    return this.sendCommand({
      name: 'FUNCTION',
      args: mode === undefined ? ['FLUSH'] : ['FLUSH', mode],
      returnBuffers: false,
    });
  }
}
