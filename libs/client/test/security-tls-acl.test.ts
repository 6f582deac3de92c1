// TLS verification is on by default, on a real TLS-only cluster; and an ACL-denied command surfaces the server's
// NOPERM as it is, on a standalone server and on a cluster (users made with ACL SETUSER on every node).
import { type DevCluster, type DevStandalone, startCluster, startStandalone } from '@keyslot/dev-cluster';
import calculateSlot from 'cluster-key-slot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, ClusterClient, type ClusterConnection, KeyslotError, ReplyError } from '../src/index.js';
import { failure } from './support/failure.js';
import { onServer } from './support/server.js';

/** The error and its causes' messages, outermost first. */
function messages(error: unknown): string {
  const parts: string[] = [];
  for (let e = error; e instanceof Error && parts.length < 10; e = e.cause) parts.push(e.message);
  return parts.join(' <- ');
}

describe(onServer('a TLS-only cluster'), () => {
  let cluster: DevCluster;
  let ca: string;
  beforeAll(async () => {
    cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1, tls: true });
    ca = cluster.tls!.ca;
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('connecting without the CA fails with a certificate error, within the connect timeout', async () => {
    for (const client of [
      new ClusterClient(cluster.seeds, { tls: true }),
      new ClusterClient(cluster.seeds, { tls: {} }),
      new ClusterClient(cluster.seeds.map((seed) => `rediss://${seed}`)),
    ]) {
      const started = Date.now();
      const error = await failure(client.getConnection({ connectTimeoutMs: 2_000 }));
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(error).toBeInstanceOf(KeyslotError);
      expect(messages(error)).toMatch(/certificate/i);
      expect(messages(error)).toContain(cluster.seeds[0]!);
    }
  });

  it('with the CA it works: every shard, replicas too', async () => {
    const conn = await new ClusterClient(cluster.seeds, { tls: { ca } }).getConnection({
      readFrom: 'replica',
    });
    try {
      const keys = Array.from({ length: 60 }, (_, i) => `tls:${i}`);
      await conn.mset(Object.fromEntries(keys.map((key) => [key, `value ${key}`])));
      // Replicas may lag a moment behind the writes; the read is retried until they caught up.
      await cluster.waitFor(
        async () => (await conn.mget(keys)).every((value, i) => value === `value ${keys[i]}`),
        { timeoutMs: 5_000, message: 'the replicas to serve the values over TLS' },
      );
      expect(conn.topology().nodes.filter((node) => node.connected).length).toBe(cluster.nodes.length);
    } finally {
      await conn.close();
    }
  });

  it('the server name is verified: a certificate for another name is refused', async () => {
    const error = await failure(
      new ClusterClient(cluster.seeds, { tls: { ca, servername: 'not-this-cluster.example' } }).getConnection(
        {
          connectTimeoutMs: 2_000,
        },
      ),
    );
    expect(messages(error)).toMatch(/not-this-cluster\.example|altnames|certificate/i);
  });

  it('verification is off only when asked for explicitly', async () => {
    const conn = await new ClusterClient(cluster.seeds, {
      tls: { rejectUnauthorized: false },
    }).getConnection();
    try {
      expect(await conn.set('tls:unverified', 'ok')).toBe('OK');
    } finally {
      await conn.close();
    }
  });

  it('plain TCP to the TLS ports fails within the connect timeout instead of hanging', async () => {
    const started = Date.now();
    const error = await failure(new ClusterClient(cluster.seeds).getConnection({ connectTimeoutMs: 1_000 }));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error).toBeInstanceOf(KeyslotError);
    expect(messages(error)).toContain(cluster.seeds[0]!);
  });
});

/** Rules of the restricted users: everything but SET, MSET and FLUSHALL/FLUSHDB; and everything on `allowed:*` keys only. */
const NO_SET = ['on', '>no-set-Pa55', '~*', '&*', '+@all', '-set', '-mset', '-flushall', '-flushdb'];
const KEYS_ONLY = ['on', '>keys-only-Pa55', '~allowed:*', '&*', '+@all'];

/** Expects a ReplyError with prefix NOPERM naming the command, passed on as the server wrote it. */
function expectNoPerm(error: Error, command: string): void {
  expect(error).toBeInstanceOf(ReplyError);
  expect(error).toMatchObject({ code: 'ERR_KEYSLOT_REPLY', prefix: 'NOPERM' });
  expect(error.message).toMatch(/^NOPERM /);
  if (command !== '') expect((error as ReplyError).command).toBe(command);
}

describe(onServer('ACL: a denied command surfaces NOPERM, on a standalone server'), () => {
  let server: DevStandalone;
  beforeAll(async () => {
    server = await startStandalone();
    await server.admin('ACL', 'SETUSER', 'no-set', ...NO_SET);
    await server.admin('ACL', 'SETUSER', 'keys-only', ...KEYS_ONLY);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a command the user may not run: NOPERM at once, on every connection type and protocol', async () => {
    for (const protocol of [3, 2] as const) {
      const client = new Client({
        host: '127.0.0.1',
        port: server.port,
        username: 'no-set',
        password: 'no-set-Pa55',
        protocol,
      });
      const multiplexed = await client.getMultiplexedConnection();
      const manager = await client.getConnectionManager();
      try {
        for (const conn of [multiplexed, manager]) {
          expect(await conn.call('ACL', 'WHOAMI')).toBe('no-set');
          const started = Date.now();
          const setError = await failure(conn.set('k', 'v'));
          expectNoPerm(setError, 'SET');
          expect(setError.message).toMatch(/'set'/);
          expect(Date.now() - started).toBeLessThan(500); // not retried: it is the server's final answer
          expectNoPerm(await failure(conn.flushall()), 'FLUSHALL');
          expect(await conn.incr('allowed-counter')).toBeGreaterThan(0);
        }
      } finally {
        await multiplexed.close();
        await manager.close();
      }
    }
  });

  it('a key the user may not touch: NOPERM naming the key rule', async () => {
    const manager = await new Client({
      host: '127.0.0.1',
      port: server.port,
      username: 'keys-only',
      password: 'keys-only-Pa55',
    }).getConnectionManager();
    try {
      expect(await manager.set('allowed:k', 'v')).toBe('OK');
      const error = await failure(manager.get('forbidden:k'));
      expectNoPerm(error, 'GET');
      expect(error.message).toMatch(/key/i);
    } finally {
      await manager.close();
    }
  });
});

describe(onServer('ACL: a denied command surfaces NOPERM, on a cluster'), () => {
  let cluster: DevCluster;
  let conn: ClusterConnection;
  beforeAll(async () => {
    cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
    // ACL users are per node: create them everywhere.
    await Promise.all(
      cluster.nodes.flatMap((node) => [
        cluster.admin(node, 'ACL', 'SETUSER', 'no-set', ...NO_SET),
        cluster.admin(node, 'ACL', 'SETUSER', 'keys-only', ...KEYS_ONLY),
      ]),
    );
    conn = await new ClusterClient(cluster.seeds, {
      username: 'no-set',
      password: 'no-set-Pa55',
    }).getConnection();
  });
  afterAll(async () => {
    conn?.destroy();
    await cluster?.stop();
  });

  it('SET: NOPERM from the node that owns the key, at once', async () => {
    const started = Date.now();
    const error = await failure(conn.set('acl:k', 'v'));
    expectNoPerm(error, 'SET');
    expect((error as ReplyError).node).toBe(cluster.ownerOf(calculateSlot('acl:k'))!.address);
    expect(Date.now() - started).toBeLessThan(500);
    expect(await conn.incr('acl:counter')).toBe(1);
  });

  it('FLUSHALL, fanned out to every primary: NOPERM, and nothing flushed', async () => {
    await conn.incr('acl:survivor');
    expectNoPerm(await failure(conn.flushall()), '');
    expect(await conn.get('acl:survivor')).toBe('1');
  });

  it('a split multi-key command (MSET over several slots): NOPERM, not a generic error', async () => {
    const error = await failure(conn.mset({ 'acl:a': '1', 'acl:b': '2', 'acl:c': '3' }));
    expectNoPerm(error, '');
  });

  it('a key outside the user’s patterns: NOPERM', async () => {
    const keysOnly = await new ClusterClient(cluster.seeds, {
      username: 'keys-only',
      password: 'keys-only-Pa55',
    }).getConnection();
    try {
      expect(await keysOnly.set('allowed:{1}', 'v')).toBe('OK');
      expectNoPerm(await failure(keysOnly.get('forbidden:{1}')), 'GET');
    } finally {
      await keysOnly.close();
    }
  });
});
