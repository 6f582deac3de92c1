// TLS with certificate verification, ACL users and passwords against real redis-servers; secrets stay secret.
import { inspect } from 'node:util';
import { type DevStandalone, startStandalone } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, ConfigError, ConnectionError } from '../src/index.js';
import { onServer } from './support/server.js';

describe(onServer('TLS'), () => {
  let server: DevStandalone;
  let tlsPort: number;
  let ca: string;
  beforeAll(async () => {
    server = await startStandalone({ tls: true });
    if (server.tlsPort === undefined || server.tls === undefined)
      throw new Error('the server has no TLS port');
    tlsPort = server.tlsPort;
    ca = server.tls.ca;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('connects with the CA given and verification on, over RESP3 and RESP2', async () => {
    const client = new Client({ host: '127.0.0.1', port: tlsPort, tls: { ca } });
    for (const protocol of [3, 2] as const) {
      const conn = await client.getMultiplexedConnection({ protocol });
      try {
        expect(conn.protocol).toBe(protocol);
        expect(await conn.set('tls-key', `over TLS ${protocol}`)).toBe('OK');
        expect(await conn.get('tls-key')).toBe(`over TLS ${protocol}`);
        // The server sees a TLS connection: INFO reports it on the TLS port.
        expect(await conn.call('CLIENT', 'INFO')).toContain(`laddr=127.0.0.1:${tlsPort}`);
      } finally {
        await conn.close();
      }
    }
  });

  it('a ConnectionManager over TLS', async () => {
    const manager = await new Client({
      host: '127.0.0.1',
      port: tlsPort,
      tls: { ca },
    }).getConnectionManager();
    try {
      const values = await Promise.all(Array.from({ length: 1_000 }, (_, i) => manager.echo(`tls ${i}`)));
      expect(values).toEqual(Array.from({ length: 1_000 }, (_, i) => `tls ${i}`));
    } finally {
      await manager.close();
    }
  });

  it('verification is on by default: without the CA, connecting fails with a clear error', async () => {
    for (const client of [
      new Client(`rediss://127.0.0.1:${tlsPort}`),
      new Client({ host: '127.0.0.1', port: tlsPort, tls: true }),
      new Client({ host: '127.0.0.1', port: tlsPort, tls: {} }),
    ]) {
      const error = await client.getMultiplexedConnection().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ code: 'ERR_KEYSLOT_CONNECTION', node: `127.0.0.1:${tlsPort}` });
      expect((error as Error).message).toContain(`could not connect to 127.0.0.1:${tlsPort}`);
      expect((error as Error).message).toMatch(/certificate/i);
      await expect(client.getConnectionManager()).rejects.toBeInstanceOf(ConnectionError);
    }
  });

  it('the server name is checked too: a certificate for another name is refused', async () => {
    const client = new Client({
      host: '127.0.0.1',
      port: tlsPort,
      tls: { ca, servername: 'not-this-server.example' },
    });
    const error = await client.getMultiplexedConnection().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/not-this-server\.example/);
  });

  it('verification can be turned off only explicitly', async () => {
    const conn = await new Client({
      host: '127.0.0.1',
      port: tlsPort,
      tls: { rejectUnauthorized: false },
    }).getMultiplexedConnection();
    try {
      expect(await conn.ping()).toBe('PONG');
    } finally {
      await conn.close();
    }
  });

  it('TLS to the plain port fails within the connect timeout', async () => {
    const client = new Client({ host: '127.0.0.1', port: server.port, tls: { ca } });
    const error = await client.getMultiplexedConnection({ connectTimeoutMs: 300 }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toMatch(/^ERR_KEYSLOT_(CONNECTION|TIMEOUT)$/);
    expect((error as Error).message).toContain(`127.0.0.1:${server.port}`);
  });
});

describe(onServer('passwords and ACL users'), () => {
  const DEFAULT_PASSWORD = 'default-user-Pa55word';
  const ALICE_PASSWORD = 'alice-Secret-Pa55word';
  const WRONG_PASSWORD = 'WRONG-Pa55word-do-not-print';
  let server: DevStandalone;
  beforeAll(async () => {
    server = await startStandalone({
      password: DEFAULT_PASSWORD,
      extraConfig: [`user alice on >${ALICE_PASSWORD} ~alice:* +@all`],
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** Checks that nothing reachable from `value` spells out a password. */
  function expectNoSecrets(value: unknown): void {
    const texts = [
      inspect(value, { depth: 20, showHidden: true }),
      String(value),
      value instanceof Error ? `${value.message}\n${value.stack}` : '',
    ];
    try {
      texts.push(JSON.stringify(value) ?? '');
    } catch {
      // circular: inspect covers it
    }
    for (const text of texts) {
      for (const secret of [DEFAULT_PASSWORD, ALICE_PASSWORD, WRONG_PASSWORD])
        expect(text).not.toContain(secret);
    }
  }

  it('an ACL user logs in with username and password, over RESP3 and RESP2', async () => {
    const client = new Client({
      host: '127.0.0.1',
      port: server.port,
      username: 'alice',
      password: ALICE_PASSWORD,
    });
    for (const protocol of [3, 2] as const) {
      const conn = await client.getMultiplexedConnection({ protocol });
      try {
        expect(conn.protocol).toBe(protocol);
        expect(await conn.call('ACL', 'WHOAMI')).toBe('alice');
        expect(await conn.set('alice:k', 'v')).toBe('OK');
        // alice's ACL covers alice:* only.
        await expect(conn.set('bob:k', 'v')).rejects.toMatchObject({ prefix: 'NOPERM' });
      } finally {
        await conn.close();
      }
    }
    expectNoSecrets(client);
  });

  it('the default user logs in with the password alone; a URL works the same', async () => {
    const byOptions = new Client({ host: '127.0.0.1', port: server.port, password: DEFAULT_PASSWORD });
    const byUrl = new Client(`redis://alice:${encodeURIComponent(ALICE_PASSWORD)}@127.0.0.1:${server.port}`);
    const conn = await byOptions.getMultiplexedConnection();
    const manager = await byUrl.getConnectionManager();
    try {
      expect(await conn.call('ACL', 'WHOAMI')).toBe('default');
      expect(await manager.call('ACL', 'WHOAMI')).toBe('alice');
      for (const value of [byOptions, byUrl, conn, manager]) expectNoSecrets(value);
    } finally {
      await conn.close();
      await manager.close();
    }
  });

  it('a wrong password fails with a clear authentication error that does not contain the password', async () => {
    for (const protocol of [3, 2] as const) {
      const client = new Client({
        host: '127.0.0.1',
        port: server.port,
        username: 'alice',
        password: WRONG_PASSWORD,
      });
      const error = await client.getMultiplexedConnection({ protocol }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ code: 'ERR_KEYSLOT_CONNECTION', node: server.address });
      expect((error as Error).message).toContain(
        `authentication as user 'alice' failed on ${server.address}`,
      );
      expect((error as Error).message).toMatch(/WRONGPASS/);
      expectNoSecrets(error);
      expectNoSecrets(client);
      // A manager does not retry forever with a wrong password: creating it fails the same way.
      const managerError = await client.getConnectionManager().catch((e: unknown) => e);
      expect(managerError).toBeInstanceOf(ConnectionError);
      expect((managerError as Error).message).toMatch(/authentication as user 'alice' failed/);
      expectNoSecrets(managerError);
    }
    const byUrl = new Client(`redis://alice:${WRONG_PASSWORD}@127.0.0.1:${server.port}`);
    const urlError = await byUrl.getMultiplexedConnection().catch((e: unknown) => e);
    expect(urlError).toBeInstanceOf(ConnectionError);
    expectNoSecrets(urlError);
    expectNoSecrets(byUrl);
  });

  it('a server that does not answer the handshake: connecting fails within the connect timeout, no secret shown', async () => {
    const client = new Client({
      host: '127.0.0.1',
      port: server.port,
      username: 'alice',
      password: ALICE_PASSWORD,
    });
    await server.pause();
    let error: unknown;
    try {
      error = await client.getMultiplexedConnection({ connectTimeoutMs: 300 }).catch((e: unknown) => e);
    } finally {
      await server.resume();
    }
    expect(error).toMatchObject({ code: 'ERR_KEYSLOT_TIMEOUT', command: 'HELLO', node: server.address });
    expectNoSecrets(error);
  });

  it('no password where one is required: the error says one is needed', async () => {
    const error = await new Client({ host: '127.0.0.1', port: server.port })
      .getMultiplexedConnection()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/authentication as the default user failed/);
    expect((error as Error).message).toMatch(/requires a password/);
  });

  it('a bad URL with a password in it is refused without echoing the password', () => {
    for (const url of [
      `redis://alice:${WRONG_PASSWORD}@127.0.0.1:99999`,
      `redis://alice:${WRONG_PASSWORD}@127.0.0.1:6379/not-a-db`,
      `redis://alice:${WRONG_PASSWORD}@127.0.0.1:6379?nope=1`,
      `http://alice:${WRONG_PASSWORD}@127.0.0.1:6379`,
    ]) {
      let error: unknown;
      try {
        new Client(url);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expectNoSecrets(error);
    }
  });
});
