import type { RedisArg, RedisKey } from '../command.js';
import { listOf } from './base.js';
import { PubSubCommands } from './pubsub.js';
import { pushFields, toInteger, toRecord, toText } from './replies.js';
import type { FlushMode, Variadic } from './types.js';

/** The server's clock (TIME). */
export interface ServerTime {
  /** Unix time in seconds. */
  seconds: number;
  /** Microseconds within the second. */
  microseconds: number;
}

/** WAITAOF: how many servers fsynced the writes. */
export interface WaitAofResult {
  /** 1 when this server did, else 0. */
  local: number;
  /** How many replicas did. */
  replicas: number;
}

function toServerTime(reply: unknown): ServerTime {
  const pair = reply as [unknown, unknown];
  return { seconds: toInteger(pair[0]), microseconds: toInteger(pair[1]) };
}

function toWaitAof(reply: unknown): WaitAofResult {
  const pair = reply as [number, number];
  return { local: pair[0], replicas: pair[1] };
}

function configGetArgs(parameters: readonly (string | readonly string[])[]): RedisArg[] {
  const list = listOf(parameters);
  const args: RedisArg[] = ['GET'];
  for (let i = 0; i < list.length; i++) args.push(list[i] as string);
  return args;
}

/**
 * Connection and server commands. `Info` is what `info()` resolves to: the report as text on a single server, one
 * report per node (keyed by `host:port`) on a cluster connection, where INFO goes to every node.
 */
export abstract class ServerCommands<
  S extends string | Buffer = string,
  Info = string,
> extends PubSubCommands<S> {
  /** PING: `'PONG'`; with a message, the message. */
  ping(): Promise<'PONG'>;
  ping(message: RedisArg): Promise<S>;
  ping(message?: RedisArg): Promise<'PONG' | S> {
    return this.sendCommand({
      name: 'PING',
      args: message === undefined ? [] : [message],
      returnBuffers: this.returnBuffers,
    });
  }

  /** ECHO: the message. */
  echo(message: RedisArg): Promise<S> {
    return this.sendCommand({ name: 'ECHO', args: [message], returnBuffers: this.returnBuffers });
  }

  /** DBSIZE: the number of keys in the database. */
  dbsize(): Promise<number> {
    return this.sendCommand({ name: 'DBSIZE', args: [], returnBuffers: false });
  }

  /** FLUSHDB: deletes every key of the database; `'OK'`. */
  flushdb(mode?: FlushMode): Promise<'OK'> {
    return this.sendCommand({
      name: 'FLUSHDB',
      args: mode === undefined ? [] : [mode],
      returnBuffers: false,
    });
  }

  /** FLUSHALL: deletes every key of every database; `'OK'`. */
  flushall(mode?: FlushMode): Promise<'OK'> {
    return this.sendCommand({
      name: 'FLUSHALL',
      args: mode === undefined ? [] : [mode],
      returnBuffers: false,
    });
  }

  /**
   * INFO: the server's report as text, of some sections (`'memory'`, `['server', 'clients']`) or the default. On a
   * cluster connection, every node's report: `{ '10.0.0.1:6379': '# Server...', ... }`.
   */
  info(section?: string | readonly string[]): Promise<Info> {
    const args: RedisArg[] =
      section === undefined ? [] : typeof section === 'string' ? [section] : section.slice();
    // On a cluster the transform applies to each node's reply (see the `perNode` fan-out), making `Info` a record.
    return this.sendCommand({
      name: 'INFO',
      args,
      returnBuffers: false,
      transform: toText as (reply: unknown) => Info,
    });
  }

  /** TIME: the server's clock. */
  time(): Promise<ServerTime> {
    return this.sendCommand({ name: 'TIME', args: [], returnBuffers: false, transform: toServerTime });
  }

  /** LASTSAVE: the Unix time in seconds of the last successful save. */
  lastsave(): Promise<number> {
    return this.sendCommand({ name: 'LASTSAVE', args: [], returnBuffers: false });
  }

  /** CONFIG GET: the parameters matching the names or glob patterns, as an object of strings. */
  configGet(...parameters: Variadic<string>): Promise<Record<string, string>> {
    return this.sendCommand({
      name: 'CONFIG',
      args: configGetArgs(parameters),
      returnBuffers: false,
      transform: toRecord as (reply: unknown) => Record<string, string>,
    });
  }

  /** CONFIG SET: sets the parameters (all or none); `'OK'`. */
  configSet(parameters: Readonly<Record<string, RedisArg>>): Promise<'OK'> {
    const args: RedisArg[] = ['SET'];
    pushFields(args, parameters);
    return this.sendCommand({ name: 'CONFIG', args, returnBuffers: false });
  }

  /** CLIENT SETNAME: names this connection; `'OK'`. */
  clientSetname(name: string): Promise<'OK'> {
    return this.sendCommand({ name: 'CLIENT', args: ['SETNAME', name], returnBuffers: false });
  }

  /** CLIENT GETNAME: this connection's name, or null. */
  clientGetname(): Promise<string | null> {
    return this.sendCommand({ name: 'CLIENT', args: ['GETNAME'], returnBuffers: false });
  }

  /** CLIENT ID: this connection's ID. */
  clientId(): Promise<number> {
    return this.sendCommand({ name: 'CLIENT', args: ['ID'], returnBuffers: false });
  }

  /** CLIENT INFO: this connection's line of CLIENT LIST, as text. */
  clientInfo(): Promise<string> {
    return this.sendCommand({ name: 'CLIENT', args: ['INFO'], returnBuffers: false, transform: toText });
  }

  /** COMMAND COUNT: how many commands the server knows. */
  commandCount(): Promise<number> {
    return this.sendCommand({ name: 'COMMAND', args: ['COUNT'], returnBuffers: false });
  }

  /** MEMORY USAGE: bytes used by the key and its value, or null when missing. */
  memoryUsage(key: RedisKey, options?: { samples?: number }): Promise<number | null> {
    const args: RedisArg[] =
      options?.samples === undefined ? ['USAGE', key] : ['USAGE', key, 'SAMPLES', options.samples];
    return this.sendCommand({ name: 'MEMORY', args, returnBuffers: false });
  }

  /** WAIT: blocks until `numreplicas` replicas acknowledged this connection's writes, or `timeoutMs` (0: forever). */
  wait(numreplicas: number, timeoutMs: number): Promise<number> {
    return this.sendCommand({ name: 'WAIT', args: [numreplicas, timeoutMs], returnBuffers: false });
  }

  /** WAITAOF (Redis 7.2): blocks until the writes are fsynced locally and by `numreplicas`, or `timeoutMs`. */
  waitaof(numlocal: number, numreplicas: number, timeoutMs: number): Promise<WaitAofResult> {
    return this.sendCommand({
      name: 'WAITAOF',
      args: [numlocal, numreplicas, timeoutMs],
      returnBuffers: false,
      transform: toWaitAof,
    });
  }
}
