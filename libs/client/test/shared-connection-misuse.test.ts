// call() with a command that would change what a shared connection is (a subscriber, a monitor, another protocol,
// another database or user, tracking under the cache) or stop its replies: refused with a UsageError before
// anything is sent, on a cluster connection, a connection manager and a plain multiplexed connection, which all keep
// answering every caller correctly afterwards.
import { type DevCluster, type DevStandalone, startCluster, startStandalone } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, ClusterClient, UsageError } from '../src/index.js';
import { commandCalls } from './cluster-helpers.js';

const REFUSED: readonly (readonly string[])[] = [
  ['SUBSCRIBE', 'news'],
  ['psubscribe', 'news.*'],
  ['SSUBSCRIBE', 'news'],
  ['UNSUBSCRIBE'],
  ['MONITOR'],
  ['HELLO', '2'],
  ['RESET'],
  ['QUIT'],
  ['CLIENT', 'REPLY', 'OFF'],
  ['SELECT', '1'],
  ['auth', 'not-a-password'],
  ['CLIENT', 'TRACKING', 'ON'],
];

/**
 * Server-side calls of the refused commands (INFO commandstats names them in lower case). HELLO is left out: every
 * connection's handshake sends it.
 */
function refusedCalls(calls: Map<string, number>): number {
  let total = 0;
  for (const [name, count] of calls) {
    if (
      /^(p|s)?(un)?subscribe$|^monitor$|^reset$|^quit$|^client\|reply$|^select$|^auth$|^client\|tracking$/.test(
        name,
      )
    )
      total += count;
  }
  return total;
}

interface Target {
  call(name: string, ...args: string[]): Promise<unknown>;
  set(key: string, value: string): Promise<unknown>;
  get(key: string): Promise<string | null>;
}

async function refusesEachAndStaysInStep(conn: Target): Promise<void> {
  for (const [name, ...args] of REFUSED) {
    const sent = conn.call(name!, ...args);
    const next = conn.set(`misuse:${name}`, name!);
    const error = await sent.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, name).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('ERR_KEYSLOT_USAGE');
    expect((error as Error).message, name).toMatch(/cannot be sent with call\(\) on a shared connection/);
    expect(await next).toBe('OK');
    // Replies still match their commands: each caller gets its own key's value.
    expect(await conn.get(`misuse:${name}`)).toBe(name);
  }
}

describe('call() refuses connection-changing commands on a cluster connection', () => {
  let cluster: DevCluster;
  beforeAll(async () => {
    cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('rejects SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, MONITOR, HELLO, RESET, QUIT, CLIENT REPLY, SELECT, AUTH and CLIENT TRACKING before sending, and keeps serving', async () => {
    const conn = await new ClusterClient(cluster.seeds).getConnection();
    try {
      await refusesEachAndStaysInStep(conn);
      for (const node of cluster.nodes) expect(refusedCalls(await commandCalls(cluster, node))).toBe(0);
    } finally {
      conn.destroy();
    }
  });
});

describe('call() refuses connection-changing commands on standalone connections', () => {
  let server: DevStandalone;
  beforeAll(async () => {
    server = await startStandalone();
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function serverCalls(): Promise<number> {
    const text = String(await server.admin('INFO', 'commandstats'));
    const calls = new Map<string, number>();
    for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
      calls.set(match[1]!, Number(match[2]));
    return refusedCalls(calls);
  }

  it('a connection manager and a multiplexed connection reject them before sending and keep serving', async () => {
    const client = new Client({ host: server.host, port: server.port });
    const manager = await client.getConnectionManager();
    const plain = await client.getMultiplexedConnection();
    try {
      await refusesEachAndStaysInStep(manager);
      await refusesEachAndStaysInStep(plain);
      expect(await serverCalls()).toBe(0);
    } finally {
      manager.destroy();
      plain.destroy();
    }
  });
});
