import type { RedisArg } from '../command.js';
import { listOf } from './base.js';
import { toMap, toRecord } from './replies.js';
import { ScriptingCommands } from './scripting.js';
import type { FieldMap, Variadic } from './types.js';

function subcommandArgs(subcommand: string, rest: readonly (RedisArg | readonly RedisArg[])[]): RedisArg[] {
  const list = listOf(rest);
  const args: RedisArg[] = [subcommand];
  for (let i = 0; i < list.length; i++) args.push(list[i] as RedisArg);
  return args;
}

/** Publishing and PUBSUB introspection. Subscribing belongs to the connection. */
export abstract class PubSubCommands<S extends string | Buffer = string> extends ScriptingCommands<S> {
  /** PUBLISH: how many clients received the message (on this node; in a cluster, the message reaches all). */
  publish(channel: RedisArg, message: RedisArg): Promise<number> {
    return this.sendCommand({ name: 'PUBLISH', args: [channel, message], returnBuffers: false });
  }

  /** SPUBLISH: publishes to a shard channel (routed by the channel's slot); how many clients received it. */
  spublish(shardChannel: RedisArg, message: RedisArg): Promise<number> {
    return this.sendCommand({ name: 'SPUBLISH', args: [shardChannel, message], returnBuffers: false });
  }

  /** PUBSUB CHANNELS: the active channels, matching a glob pattern when given. */
  pubsubChannels(pattern?: RedisArg): Promise<S[]> {
    return this.sendCommand({
      name: 'PUBSUB',
      args: pattern === undefined ? ['CHANNELS'] : ['CHANNELS', pattern],
      returnBuffers: this.returnBuffers,
    });
  }

  /** PUBSUB NUMSUB: subscriber count per channel (an object; a Map with Buffer keys on the Buffer view). */
  pubsubNumsub(...channels: Variadic<RedisArg>): Promise<FieldMap<S, number>> {
    const buffers = this.returnBuffers;
    return this.sendCommand({
      name: 'PUBSUB',
      args: subcommandArgs('NUMSUB', channels),
      returnBuffers: buffers,
      transform: (buffers ? toMap : toRecord) as (reply: unknown) => FieldMap<S, number>,
    });
  }

  /** PUBSUB NUMPAT: how many pattern subscriptions exist. */
  pubsubNumpat(): Promise<number> {
    return this.sendCommand({ name: 'PUBSUB', args: ['NUMPAT'], returnBuffers: false });
  }

  /** PUBSUB SHARDCHANNELS: the active shard channels (of this node), matching a pattern when given. */
  pubsubShardchannels(pattern?: RedisArg): Promise<S[]> {
    return this.sendCommand({
      name: 'PUBSUB',
      args: pattern === undefined ? ['SHARDCHANNELS'] : ['SHARDCHANNELS', pattern],
      returnBuffers: this.returnBuffers,
    });
  }

  /** PUBSUB SHARDNUMSUB: subscriber count per shard channel. */
  pubsubShardnumsub(...channels: Variadic<RedisArg>): Promise<FieldMap<S, number>> {
    const buffers = this.returnBuffers;
    return this.sendCommand({
      name: 'PUBSUB',
      args: subcommandArgs('SHARDNUMSUB', channels),
      returnBuffers: buffers,
      transform: (buffers ? toMap : toRecord) as (reply: unknown) => FieldMap<S, number>,
    });
  }
}
