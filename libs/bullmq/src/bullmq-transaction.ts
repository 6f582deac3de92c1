import type { ClusterConnection, Command, Script } from '@keyslot/client';
import type { IRedisTransaction } from 'bullmq';
import {
  forBullmq,
  forBullmqScript,
  NonErrorRejection,
  rethrowForBullmq,
  rethrowForBullmqScript,
} from './bullmq-errors.js';
import * as commands from './ioredis-commands.js';
import { isNoScript, type ScriptBook } from './script-book.js';

/** What `exec()` resolves to: ioredis's `[error, result]` per command, in order. */
export type ExecTuples = [Error | null, unknown][];

/**
 * A BullMQ pipeline or MULTI/EXEC transaction on a keyslot connection. A pipeline is a keyslot batch (any keys,
 * one write per node, each command on its own); a transaction is a keyslot `multi()`, whose keys must share one
 * hash slot (refused before sending otherwise). Results come back as ioredis's `[error, result]` tuples.
 */
export class BullmqTransaction implements IRedisTransaction {
  private readonly commands: Command<unknown>[] = [];
  /** The script behind each command, for the ones that run a script. */
  private readonly scripts: (Script | undefined)[] = [];

  /** @internal Made by the client's `multi()` and `pipeline()`. */
  constructor(
    private readonly connection: ClusterConnection,
    private readonly book: ScriptBook,
    private readonly atomic: boolean,
  ) {}

  hgetall(key: string): this {
    return this.add(commands.hgetall(key));
  }
  hset(key: string, data: Record<string, string | number>): this {
    return this.add(commands.hset(key, data));
  }
  hscan(key: string, cursor: string | number, options?: { COUNT?: number }): this {
    return this.add(commands.hscan(key, cursor, options?.COUNT));
  }
  smembers(key: string): this {
    return this.add(commands.smembers(key));
  }
  sscan(key: string, cursor: string | number, options?: { COUNT?: number }): this {
    return this.add(commands.sscan(key, cursor, options?.COUNT));
  }
  zrange(key: string, start: number, end: number): this {
    return this.add(commands.zrange(key, start, end));
  }
  lrange(key: string, start: number, end: number): this {
    return this.add(commands.lrange(key, start, end));
  }
  llen(key: string): this {
    return this.add(commands.llen(key));
  }
  del(...keys: string[]): this {
    return keys.length === 0 ? this : this.add(commands.del(keys));
  }
  /** Queues a script defined with `defineCommand`; it throws at once if the name was never defined. */
  runCommand(name: string, args: unknown[]): this {
    const script = this.book.script(name);
    return this.add(this.book.evalsha(script, args), script);
  }

  async exec(): Promise<ExecTuples | null> {
    if (this.atomic) return this.execMulti();
    await this.loadScripts();
    return this.execBatch();
  }

  /**
   * SCRIPT LOAD of the scripts used, on every primary. Best effort: a primary that cannot be reached must not fail a
   * pipeline whose commands go elsewhere. Where a script is still missing, its command meets NOSCRIPT and is run again
   * (`execBatch`); a command for the unreachable primary fails on its own, as BullMQ understands a lost connection.
   */
  private loadScripts(): Promise<void> {
    return this.book.loadEverywhere(this.scripts.filter((script) => script !== undefined)).catch(() => {});
  }

  private add(command: Command<unknown>, script?: Script): this {
    this.commands.push(command);
    this.scripts.push(script);
    return this;
  }

  private async execBatch(): Promise<ExecTuples> {
    const batch = this.connection.batch();
    for (const command of this.commands) void batch.sendCommand(command);
    const settled = await batch.exec();
    const tuples: ExecTuples = settled.map((result) =>
      result.status === 'fulfilled' ? [null, result.value] : [toError(result.reason), null],
    );
    // A script that met a node without it did not run: run it again (EVALSHA, else EVAL), one after the other in
    // pipeline order, but after every other command of the pipeline was sent, so later commands may already have run.
    for (let i = 0; i < tuples.length; i++) {
      const script = this.scripts[i];
      if (script === undefined || !isNoScript(tuples[i]![0])) continue;
      this.book.forgetLoaded();
      const args = this.commands[i]!.args;
      const keyCount = script.numberOfKeys ?? 0;
      tuples[i] = await this.connection
        .runScript(script, args.slice(2, 2 + keyCount) as string[], args.slice(2 + keyCount))
        .then(
          (value): [null, unknown] => [null, value],
          (error): [Error, null] => [toError(forBullmqScript(error)), null],
        );
    }
    return tuples;
  }

  /**
   * MULTI/EXEC. Each distinct script goes as EVAL the first time (which also caches it on the node) and as EVALSHA
   * after that: a node that lost some scripts but not others (SCRIPT FLUSH or a restart, then an EVAL fallback that
   * cached one again) would otherwise run part of the transaction and answer NOSCRIPT to the rest.
   */
  private async execMulti(): Promise<ExecTuples | null> {
    const multi = this.connection.multi();
    const sent = new Set<Script>();
    this.commands.forEach((command, i) => {
      const script = this.scripts[i];
      if (script !== undefined && !sent.has(script)) {
        sent.add(script);
        void multi.sendCommand({ name: 'EVAL', args: [script.lua, ...command.args.slice(1)] });
      } else void multi.sendCommand(command);
    });
    const replies = await multi.exec().catch(sent.size > 0 ? rethrowForBullmqScript : rethrowForBullmq);
    if (replies === null) return null;
    return replies.map((reply) => (reply instanceof Error ? [reply, null] : [null, reply]));
  }
}

function toError(reason: unknown): Error {
  const mapped = forBullmq(reason);
  return mapped instanceof Error ? mapped : new NonErrorRejection(mapped);
}
