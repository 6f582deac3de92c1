import diagnosticsChannel from 'node:diagnostics_channel';
import { type DevCluster, type DevStandalone, startCluster, startStandalone } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, ClusterClient, type CommandTraceContext } from '../src/index.js';

/** Collects every event of the `keyslot:command` tracing channel while `work` runs. */
async function traced(
  work: () => Promise<unknown>,
): Promise<{ event: string; context: CommandTraceContext }[]> {
  const events: { event: string; context: CommandTraceContext }[] = [];
  const channel = diagnosticsChannel.tracingChannel<CommandTraceContext, CommandTraceContext>(
    'keyslot:command',
  );
  // Node's tracePromise adds the reply as `result`: left out here, the tests look at what keyslot publishes.
  const record = (event: string) => (context: CommandTraceContext) => {
    const { result: _reply, ...published } = context as CommandTraceContext & { result?: unknown };
    events.push({ event, context: published });
  };
  const handlers = {
    start: record('start'),
    end: record('end'),
    asyncStart: record('asyncStart'),
    asyncEnd: record('asyncEnd'),
    error: record('error'),
  };
  channel.subscribe(handlers);
  try {
    await work().catch(() => {});
  } finally {
    channel.unsubscribe(handlers);
  }
  return events;
}

describe('the keyslot:command tracing channel', () => {
  let cluster: DevCluster;
  let standalone: DevStandalone;
  beforeAll(async () => {
    [cluster, standalone] = await Promise.all([
      startCluster({ primaries: 3, replicasPerPrimary: 0 }),
      startStandalone(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([cluster?.stop(), standalone?.stop()]);
  });

  it('traces a cluster command with its name and the node that answered, never its arguments', async () => {
    const conn = await new ClusterClient(cluster.seeds).getConnection();
    try {
      const events = await traced(() => conn.set('traced:key', 'secret-value'));
      expect(events.map((e) => e.event)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
      const owner = cluster.ownerOf(Number(await conn.call('CLUSTER', 'KEYSLOT', 'traced:key')))!;
      expect(events.at(-1)!.context).toEqual({
        command: 'SET',
        database: 0,
        node: owner.address,
        serverAddress: owner.host,
        serverPort: owner.port,
      });
      expect(JSON.stringify(events)).not.toContain('secret-value');
      const failed = await traced(() => conn.call('HGET', 'traced:key', 'field'));
      expect(failed.map((e) => e.event)).toContain('error');
      // The reply error's prefix is the response status code, set before the error event is published.
      expect(failed.find((e) => e.event === 'error')!.context.statusCode).toBe('WRONGTYPE');
    } finally {
      await conn.close();
    }
  });

  it('carries the command text only when the connection opts in, redacted: keys kept, values counted', async () => {
    const conn = await new ClusterClient(cluster.seeds).getConnection({ traceCommandText: true });
    try {
      const events = await traced(() => conn.set('traced:text', 'secret-value', { ex: 60 }));
      expect(events.at(-1)!.context.statement).toBe('SET traced:text [3 other arguments]');
      expect(JSON.stringify(events)).not.toContain('secret-value');
      const read = await traced(() => conn.hmget('traced:hash', 'a', 'b'));
      expect(read.at(-1)!.context.statement).toBe('HMGET traced:hash a b');
    } finally {
      await conn.close();
    }
  });

  it('traces a cluster batch as one PIPELINE and a transaction as one MULTI, with their size and node', async () => {
    const conn = await new ClusterClient(cluster.seeds).getConnection();
    try {
      const batch = conn.batch();
      for (let i = 0; i < 5; i++) batch.set(`traced:batch:${i}`, 'v');
      const pipeline = await traced(() => batch.exec());
      expect(pipeline.map((e) => e.event)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
      expect(pipeline.at(-1)!.context).toEqual({ command: 'PIPELINE', database: 0, batchSize: 5 });

      const multi = conn.multi();
      multi.set('{traced}:a', '1');
      multi.incr('{traced}:b');
      multi.get('{traced}:a');
      const transaction = await traced(() => multi.exec());
      const owner = cluster.ownerOf(Number(await conn.call('CLUSTER', 'KEYSLOT', '{traced}')))!;
      expect(transaction.at(-1)!.context).toEqual({
        command: 'MULTI',
        database: 0,
        batchSize: 3,
        node: owner.address,
        serverAddress: owner.host,
        serverPort: owner.port,
      });
    } finally {
      await conn.close();
    }
  });

  it('traces a standalone ConnectionManager command', async () => {
    const manager = await new Client({ port: standalone.port }).getConnectionManager();
    try {
      const events = await traced(() => manager.get('traced:key'));
      expect(events.at(-1)).toEqual({
        event: 'asyncEnd',
        context: expect.objectContaining({
          command: 'GET',
          node: standalone.address,
          serverAddress: '127.0.0.1',
          serverPort: standalone.port,
          database: 0,
        }),
      });
    } finally {
      await manager.close();
    }
  });

  it('leaves commands untouched when nobody subscribes', async () => {
    const conn = await new ClusterClient(cluster.seeds).getConnection();
    try {
      expect(diagnosticsChannel.tracingChannel('keyslot:command').hasSubscribers).toBe(false);
      await expect(conn.set('traced:other', '1')).resolves.toBe('OK');
    } finally {
      await conn.close();
    }
  });
});
