// The `credentials` provider against real ACL users, on a standalone server (ConnectionManager) and on a cluster
// (ClusterConnection): every connection (shared, dedicated, pub/sub) logs in with what the provider returns, is
// re-authenticated in place before the secret expires (CLIENT LIST shows the same connection ids under the new
// user), and after the password is rotated and every connection killed (CLIENT KILL USER) reconnects with the new
// secret while callers keep going: nothing but the outcome of the INCRs in flight is lost.
import { inspect } from 'node:util';
import {
  type DevCluster,
  type DevStandalone,
  startCluster,
  startStandalone,
  waitFor,
} from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, ClusterClient, ConfigError, type Credentials, type PubSubMessage } from '../src/index.js';
import { failure } from './support/failure.js';

const NAME = 'keyslot-credentials-test';
const FIRST = 'First-Pa55-never-print-11aa';
const SECOND = 'Second-Pa55-never-print-22bb';
const ACL_USERS = [`user app on >${FIRST} ~* &* +@all`, `user app2 on >${SECOND} ~* &* +@all`];

/** A provider the test steers: what it returns now, how long a secret lives, and every call. */
class TokenIssuer {
  current: { username: string; password: string } = { username: 'app', password: FIRST };
  calls = 0;
  /** expiresAt of the secret handed out last. */
  lastExpiresAt = 0;
  constructor(private readonly ttlMs: number | undefined) {}
  readonly provide = async (): Promise<Credentials> => {
    this.calls++;
    if (this.ttlMs === undefined) return { ...this.current };
    this.lastExpiresAt = Date.now() + this.ttlMs;
    return { ...this.current, expiresAt: new Date(this.lastExpiresAt) };
  };
}

/** This test's connections on one server, from CLIENT LIST: id → user. */
async function ourConnections(admin: (...args: string[]) => Promise<unknown>): Promise<Map<string, string>> {
  const list = String(await admin('CLIENT', 'LIST'));
  const found = new Map<string, string>();
  for (const line of list.split('\n')) {
    if (!line.includes(` name=${NAME} `)) continue;
    const field = (key: string) => new RegExp(`(?:^| )${key}=(\\S*)`).exec(line)?.[1] ?? '';
    found.set(field('id'), field('user'));
  }
  return found;
}

/** Callers INCRing their own keys until stopped; errors by code. */
function traffic(conn: Connected, keys: string[]) {
  let running = true;
  let acked = 0;
  const errors = new Map<string, number>();
  const loops = keys.map(async (key) => {
    while (running) {
      try {
        await conn.incr(key);
        acked++;
      } catch (error) {
        const code = (error as { code?: string }).code ?? String(error);
        errors.set(code, (errors.get(code) ?? 0) + 1);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  });
  return {
    acked: () => acked,
    errors,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

interface Target {
  /** Admin command on every server, each server's reply. */
  adminAll(...args: string[]): Promise<unknown[]>;
  /** This test's connections on every server: id → user. */
  connections(): Promise<Map<string, string>>;
  publish(channel: string, message: string): Promise<unknown>;
}

/** The same story on a standalone server and on a cluster. */
function rotationSuite(
  name: string,
  setUp: () => Promise<{ target: Target; connect(issuer: TokenIssuer): Promise<Connected> }>,
  tearDown: () => Promise<void>,
) {
  describe(name, () => {
    let target: Target;
    let connect: (issuer: TokenIssuer) => Promise<Connected>;
    beforeAll(async () => {
      ({ target, connect } = await setUp());
    });
    afterAll(tearDown);

    it('re-authenticates every open connection (shared, dedicated, pub/sub) in place before the secret expires', async () => {
      await target.adminAll('ACL', 'SETUSER', 'app', 'on', `>${FIRST}`);
      const issuer = new TokenIssuer(3_000);
      const conn = await connect(issuer);
      const messages: PubSubMessage[] = [];
      try {
        await conn.subscribe('creds:news', (message) => messages.push(message));
        await conn.blpop('{creds}:queue', 0.05); // leaves an idle dedicated connection behind
        const load = traffic(conn, ['{a}:n', '{b}:n', '{c}:n', '{d}:n']);
        const before = await target.connections();
        expect([...before.values()].every((user) => user === 'app')).toBe(true);
        expect(before.size).toBeGreaterThanOrEqual(2); // the shared connection(s) and a dedicated one
        issuer.current = { username: 'app2', password: SECOND };
        const expiry = issuer.lastExpiresAt;
        await waitFor(
          async () => [...(await target.connections()).values()].every((user) => user === 'app2'),
          {
            timeoutMs: 6_000,
            intervalMs: 50,
            message: 'every connection to be re-authenticated as app2',
          },
        );
        expect(Date.now()).toBeLessThan(expiry);
        const after = await target.connections();
        // In place: the very same connections, none made anew.
        for (const id of before.keys()) expect(after.get(id)).toBe('app2');
        const acked = load.acked();
        await waitFor(() => load.acked() > acked + 100, { timeoutMs: 5_000, message: 'traffic to go on' });
        await load.stop();
        expect(Object.fromEntries(load.errors)).toEqual({});
        await waitFor(
          async () => {
            await target.publish('creds:news', 'after');
            return messages.some((m) => m.message === 'after');
          },
          { timeoutMs: 5_000, intervalMs: 100, message: 'the subscription to keep delivering' },
        );
      } finally {
        conn.destroy();
      }
    });

    it('a rotated password and every connection killed: reconnects with the new secret, traffic goes on', async () => {
      await target.adminAll('ACL', 'SETUSER', 'app', 'resetpass', `>${FIRST}`);
      const issuer = new TokenIssuer(undefined); // a password without expiry: fetched at each handshake only
      const conn = await connect(issuer);
      const messages: PubSubMessage[] = [];
      try {
        await conn.subscribe('creds:rotated', (message) => messages.push(message));
        const load = traffic(conn, ['{a}:r', '{b}:r', '{c}:r', '{d}:r']);
        await waitFor(() => load.acked() > 100, { timeoutMs: 5_000, message: 'traffic to start' });
        const callsBefore = issuer.calls;
        // Rotate: the new password is valid, the old one is not any more, and every connection is killed.
        await target.adminAll('ACL', 'SETUSER', 'app', 'resetpass', `>${SECOND}`);
        issuer.current = { username: 'app', password: SECOND };
        await target.adminAll('CLIENT', 'KILL', 'USER', 'app');
        // Nothing a user can inspect spells a secret the provider returned.
        expect(inspect(conn, { depth: 12, showHidden: true })).not.toMatch(new RegExp(`${FIRST}|${SECOND}`));
        const acked = load.acked();
        await waitFor(() => load.acked() > acked + 100, {
          timeoutMs: 10_000,
          message: 'traffic to flow again with the rotated password',
        });
        await load.stop();
        expect(issuer.calls).toBeGreaterThan(callsBefore);
        // Only the INCRs in flight when their connection was killed may fail, saying their outcome is unknown.
        expect([...load.errors.keys()].filter((code) => code !== 'ERR_KEYSLOT_OUTCOME_UNKNOWN')).toEqual([]);
        const users = await target.connections();
        expect(users.size).toBeGreaterThan(0);
        await waitFor(
          async () => {
            await target.publish('creds:rotated', 'after');
            return messages.some((m) => m.message === 'after');
          },
          { timeoutMs: 5_000, intervalMs: 100, message: 'the subscription to be restored' },
        );
      } finally {
        conn.destroy();
      }
    });
  });
}

/** What the tests use of a ConnectionManager or a ClusterConnection. */
interface Connected {
  incr(key: string): Promise<unknown>;
  blpop(key: string, timeoutSeconds: number): Promise<unknown>;
  subscribe(channel: string, listener: (message: PubSubMessage) => void): Promise<void>;
  destroy(): void;
}

let server: DevStandalone;
rotationSuite(
  'credentials on a standalone server (ConnectionManager)',
  async () => {
    server = await startStandalone({ extraConfig: ACL_USERS });
    return {
      target: {
        adminAll: async (...args) => [await server.admin(...args)],
        connections: () => ourConnections((...args) => server.admin(...args)),
        publish: (channel, message) => server.admin('PUBLISH', channel, message),
      },
      connect: (issuer) =>
        new Client({
          host: '127.0.0.1',
          port: server.port,
          clientName: NAME,
          credentials: issuer.provide,
        }).getConnectionManager({ backoff: { baseMs: 10, maxMs: 100 } }),
    };
  },
  async () => {
    await server?.stop();
  },
);

let cluster: DevCluster;
rotationSuite(
  'credentials on a cluster (ClusterConnection)',
  async () => {
    cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0, extraConfig: ACL_USERS });
    return {
      target: {
        adminAll: (...args) => Promise.all(cluster.nodes.map((node) => cluster.admin(node, ...args))),
        connections: async () => {
          const all = new Map<string, string>();
          for (const node of cluster.nodes) {
            const found = await ourConnections((...args) => cluster.admin(node, ...args));
            for (const [id, user] of found) all.set(`${node.port}/${id}`, user);
          }
          return all;
        },
        publish: (channel, message) => cluster.admin(cluster.nodes[0]!, 'PUBLISH', channel, message),
      },
      connect: (issuer) =>
        new ClusterClient(cluster.seeds, { clientName: NAME, credentials: issuer.provide }).getConnection({
          backoff: { baseMs: 10, maxMs: 100 },
        }),
    };
  },
  async () => {
    await cluster?.stop();
  },
);

describe('credentials: bad options and bad providers', () => {
  it('refuses credentials beside a password or username, and a provider that is not a function', () => {
    const provide = () => ({ password: FIRST });
    expect(() => new Client({ password: FIRST, credentials: provide })).toThrow(ConfigError);
    expect(() => new ClusterClient(['127.0.0.1:7000'], { username: 'u', credentials: provide })).toThrow(
      /either credentials \(a provider\) or username\/password/,
    );
    expect(() => new ClusterClient([`redis://u:${FIRST}@127.0.0.1:7000`], { credentials: provide })).toThrow(
      ConfigError,
    );
    expect(() => new Client({ credentials: 'secret' as never })).toThrow(/credentials must be a function/);
  });

  it("a standalone renewal the server refuses is reported as the manager's error event, no secret shown", async () => {
    const local = await startStandalone({ extraConfig: ACL_USERS });
    const issuer = new TokenIssuer(1_000);
    const manager = await new Client({
      host: '127.0.0.1',
      port: local.port,
      credentials: issuer.provide,
    }).getConnectionManager();
    try {
      const errors: Error[] = [];
      manager.on('error', (error) => errors.push(error));
      issuer.current = { username: 'app', password: SECOND }; // not app's password: AUTH is refused
      await waitFor(() => errors.length > 0, {
        timeoutMs: 5_000,
        message: 'the renewal failure to be reported',
      });
      expect(errors[0]).toMatchObject({ code: 'ERR_KEYSLOT_CONNECTION' });
      expect(errors[0]!.message).toMatch(/re-authenticating the connection to .* failed/);
      expect(errors[0]!.message).not.toContain(SECOND);
      expect(await manager.ping()).toBe('PONG'); // still logged in with the previous secret
    } finally {
      manager.destroy();
      await local.stop();
    }
  });

  it('a provider that keeps returning an expired secret: reported once per backoff, the same secret never sent again', async () => {
    const local = await startStandalone({ extraConfig: ACL_USERS });
    let calls = 0;
    const manager = await new Client({
      host: '127.0.0.1',
      port: local.port,
      credentials: () => {
        calls++;
        return { username: 'app', password: FIRST, expiresAt: Date.now() - 60_000 };
      },
    }).getConnectionManager();
    try {
      const errors: Error[] = [];
      manager.on('error', (error) => errors.push(error));
      await waitFor(() => errors.length > 0, {
        timeoutMs: 5_000,
        message: 'the expired secret to be reported',
      });
      expect(errors[0]).toMatchObject({ code: 'ERR_KEYSLOT_CONNECTION' });
      expect(errors[0]!.message).toMatch(
        /returned a secret that has already expired.*asked again in up to 2000 ms/,
      );
      expect(errors[0]!.message).not.toContain(FIRST);
      // The connection logged in with this very secret: AUTH was not sent again (it used to be, every second).
      expect(String(await local.admin('INFO', 'commandstats'))).not.toMatch(/cmdstat_auth:/);
      expect(calls).toBe(2); // the handshake, the one renewal
      expect(await manager.ping()).toBe('PONG');
    } finally {
      manager.destroy();
      await local.stop();
    }
  });

  it('a provider that throws, hangs or returns no password: connecting fails with a clear error, no secret shown', async () => {
    const local = await startStandalone({ extraConfig: ACL_USERS });
    try {
      const connectWith = (credentials: () => Promise<Credentials>) =>
        failure(
          new Client({ host: '127.0.0.1', port: local.port, credentials }).getConnectionManager({
            connectTimeoutMs: 300,
          }),
        );
      const thrown = await connectWith(async () => {
        throw new Error(`vault unreachable ${FIRST}`);
      });
      expect(thrown).toMatchObject({ code: 'ERR_KEYSLOT_CONNECTION' });
      expect(thrown.message).toMatch(/credentials provider failed/);
      expect(thrown.message).not.toContain(FIRST);
      const hung = await connectWith(() => new Promise<Credentials>(() => {}));
      expect(hung).toMatchObject({ code: 'ERR_KEYSLOT_TIMEOUT' });
      expect(hung.message).toMatch(/credentials provider did not answer within 300 ms/);
      const empty = await connectWith(async () => ({ username: 'app' }) as unknown as Credentials);
      expect(empty).toMatchObject({ code: 'ERR_KEYSLOT_CONFIG' });
      const wrong = await connectWith(async () => ({ username: 'app', password: SECOND }));
      expect(wrong).toMatchObject({ code: 'ERR_KEYSLOT_CONNECTION' });
      expect(wrong.message).toMatch(
        /authentication as user 'app' failed.*refused what the credentials provider returned/,
      );
      expect(wrong.message).not.toContain(SECOND);
    } finally {
      await local.stop();
    }
  });
});
