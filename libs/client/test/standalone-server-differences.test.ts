// Where the servers of the matrix answer differently (HELLO, CLIENT SETINFO, INFO, error wording, commands one of
// them lacks), each checked against that server's row in support/server-expectations.ts, and what the client
// makes of it: the server it records from HELLO, and no CLIENT SETINFO sent to a server that lacks it.
import { type DevStandalone, startStandalone } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type MultiplexedConnection, ReplyError } from '../src/index.js';
import { failure } from './support/failure.js';
import { onServer, server as testServer } from './support/server.js';
import { expected } from './support/server-expectations.js';

let server: DevStandalone;
let conn: MultiplexedConnection;
beforeAll(async () => {
  server = await startStandalone({ extraConfig: ['user bob on >bob-pass ~* &* +@all -debug'] });
  conn = await new Client({ host: '127.0.0.1', port: server.port }).getMultiplexedConnection();
});
afterAll(async () => {
  await conn?.close();
  await server?.stop();
});

/** `field:value` lines of an INFO reply. */
function infoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** The `errorstat_*` counters of the server: what error replies it has sent since the last CONFIG RESETSTAT. */
async function errorStats(): Promise<string> {
  return String(await server.admin('INFO', 'errorstats'))
    .split('\r\n')
    .filter((line) => line.startsWith('errorstat_'))
    .join(' ');
}

describe(onServer('what the server says it is'), () => {
  it('the connection records HELLO’s server and version (RESP3); over RESP2 no HELLO is sent and it stays unknown', async () => {
    expect(conn.server).toEqual(expected().hello);
    const resp2 = await new Client({
      host: '127.0.0.1',
      port: server.port,
      protocol: 2,
    }).getMultiplexedConnection();
    try {
      expect(resp2.server).toBeUndefined();
    } finally {
      await resp2.close();
    }
  });

  it('a ConnectionManager shows the server of its current connection', async () => {
    const manager = await new Client({ host: '127.0.0.1', port: server.port }).getConnectionManager();
    try {
      expect(manager.server).toEqual(expected().hello);
    } finally {
      await manager.close();
    }
  });

  it('INFO server names the server and its version in the fields of its row', async () => {
    const fields = infoFields(await conn.info('server'));
    for (const [field, value] of Object.entries(expected().info))
      expect([field, fields.get(field)]).toEqual([field, value]);
  });
});

describe(onServer('CLIENT SETINFO, only where the server has it'), () => {
  it('names the library where SETINFO exists; sends it nowhere else, so the handshake causes no error reply', async () => {
    const before = await errorStats();
    const named = await new Client({
      host: '127.0.0.1',
      port: server.port,
      clientName: 'setinfo-probe',
    }).getMultiplexedConnection();
    try {
      const clients = String(await server.admin('CLIENT', 'LIST'));
      const line = clients.split('\n').find((entry) => entry.includes(' name=setinfo-probe '));
      expect(line).toBeDefined();
      if (expected().clientSetInfo) expect(line).toMatch(/ lib-name=keyslot lib-ver=\S+/);
      else expect(line).not.toContain('lib-name=');
      expect(await errorStats()).toBe(before);
    } finally {
      await named.close();
    }
  });

  it('a maxPending smaller than the handshake (SETINFO, SELECT, CLIENT TRACKING) still connects: its steps are not the application commands', async () => {
    const manager = await new Client({
      host: '127.0.0.1',
      port: server.port,
      db: 1,
      clientName: 'small-queue-probe',
    }).getConnectionManager({ maxPending: 1, cache: { maxEntries: 10 } });
    try {
      await manager.set('small-queue', 'v');
      expect(await manager.get('small-queue')).toBe('v');
      const clients = String(await server.admin('CLIENT', 'LIST'));
      const line = clients.split('\n').find((entry) => entry.includes(' name=small-queue-probe '));
      expect(line).toMatch(/ db=1 /);
      if (expected().clientSetInfo) expect(line).toMatch(/ lib-name=keyslot /);
    } finally {
      await manager.close();
    }
  });

  it('over RESP2 (no HELLO, so the server is unknown) it is tried, and a refusal is ignored', async () => {
    await server.admin('CONFIG', 'RESETSTAT');
    const resp2 = await new Client({
      host: '127.0.0.1',
      port: server.port,
      protocol: 2,
      clientName: 'resp2-probe',
    }).getMultiplexedConnection();
    try {
      expect(await resp2.ping()).toBe('PONG');
      const stats = await errorStats();
      // 7.0 answered the two SETINFOs with ERR; the others took them.
      if (expected().clientSetInfo) expect(stats).not.toContain('errorstat_ERR');
      else expect(stats).toMatch(/errorstat_ERR:count=2\b/);
    } finally {
      await resp2.close();
    }
  });
});

describe(onServer('commands and error replies that differ'), () => {
  it('HEXPIRE and WAITAOF: typed replies where the server has them, its unknown-command error where not', async () => {
    const { hexpire, waitaof } = expected().commands;
    expect(testServer.hasCommand('hexpire')).toBe(hexpire);
    expect(testServer.hasCommand('waitaof')).toBe(waitaof);
    await conn.hset('h', { f: 'v' });
    const hexpireReply = conn.call('HEXPIRE', 'h', 100, 'FIELDS', 1, 'f');
    if (hexpire) expect(await hexpireReply).toEqual([1]);
    else
      expect(await failure(hexpireReply)).toMatchObject({
        prefix: 'ERR',
        message: expect.stringMatching(/^ERR unknown command 'HEXPIRE'/),
      });
    if (waitaof) expect(await conn.waitaof(0, 0, 100)).toEqual({ local: 0, replicas: 0 });
    else
      expect(await failure(conn.waitaof(0, 0, 100))).toMatchObject({
        message: expect.stringMatching(/^ERR unknown command 'WAITAOF'/),
      });
  });

  it('a command the ACL denies: NOPERM, worded as this server words it', async () => {
    const bob = await new Client({
      host: '127.0.0.1',
      port: server.port,
      username: 'bob',
      password: 'bob-pass',
    }).getMultiplexedConnection();
    try {
      const error = await failure(bob.call('DEBUG', 'SLEEP', 0));
      expect(error).toBeInstanceOf(ReplyError);
      expect(error).toMatchObject({ prefix: 'NOPERM', message: expected().noPermission });
    } finally {
      await bob.close();
    }
  });
});
