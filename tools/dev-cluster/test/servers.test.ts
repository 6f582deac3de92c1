// The server choice with real servers: Debian's redis-server by default, and every server whose tarball is found
// (built once by the Vitest global setup), each asked what it is; what tests learn from currentServer().
import { describe, expect, it } from 'vitest';
import {
  currentServer,
  ensureServer,
  ensureServerProfile,
  SYSTEM_SERVER,
  startCluster,
  startStandalone,
  tarballServerNames,
} from '../src/index.js';

/** `server_name` or else `redis`, and the version INFO reports for it. */
function identity(info: string): { family: string; version: string | undefined } {
  const field = (name: string) => new RegExp(`^${name}:(.+)$`, 'm').exec(info)?.[1]?.trim();
  const family = field('server_name') ?? 'redis';
  return { family, version: field(`${family}_version`) };
}

const system = currentServer({ ...process.env, KEYSLOT_SERVER: SYSTEM_SERVER });

describe('the default server', () => {
  it(`is Debian's redis-server (${system.name}) unless KEYSLOT_SERVER says otherwise`, async () => {
    const server = await startStandalone({ server: SYSTEM_SERVER });
    try {
      expect(server.server).toMatchObject({ origin: 'system', family: 'redis', name: system.name });
      expect(identity(String(await server.admin('INFO', 'server')))).toEqual({
        family: 'redis',
        version: system.version,
      });
    } finally {
      await server.stop();
    }
  });

  it('a name equal to the system redis-server’s version is that binary, not a build', async () => {
    expect(await ensureServer(system.name)).toMatchObject({ origin: 'system', path: system.path });
  });
});

// One test per tarball found: on a clone without ../shared/servers, only the default server is tested.
describe.each(tarballServerNames())('the server %s, built from its tarball', (name) => {
  it('runs a cluster and a standalone server of that name and version', async () => {
    const cluster = await startCluster({ server: name, primaries: 1, replicasPerPrimary: 1 });
    try {
      expect(cluster.server).toMatchObject({ name, origin: 'built' });
      for (const node of cluster.nodes) {
        const info = String(await cluster.admin(node, 'INFO', 'server'));
        expect(identity(info)).toEqual({ family: cluster.server.family, version: cluster.server.version });
      }
    } finally {
      await cluster.stop();
    }
    const server = await startStandalone({ server: name, tls: true });
    try {
      expect(identity(String(await server.admin('INFO', 'server')))).toMatchObject({
        version: server.server.version,
      });
      // Built with TLS: the TLS port is configured.
      expect(String(await server.admin('CONFIG', 'GET', 'tls-port'))).toContain(String(server.tlsPort));
    } finally {
      await server.stop();
    }
  });

  it('currentServer() describes it from KEYSLOT_SERVER, with the commands it knows', async () => {
    await ensureServerProfile(await ensureServer(name));
    const described = currentServer({ ...process.env, KEYSLOT_SERVER: name });
    expect(described).toMatchObject({ name, origin: 'built' });
    expect(described.hasCommand('GET')).toBe(true);
    expect(described.hasCommand('client|setinfo')).toBe(
      described.family === 'valkey' || described.isAtLeast('redis', '7.2'),
    );
    expect(described.hasCommand('no-such-command')).toBe(false);
    expect(described.isAtLeast(described.family, described.version)).toBe(true);
    expect(described.isAtLeast(described.family, '99.0')).toBe(false);
  });
});

describe('currentServer() on the system server', () => {
  it('knows its commands, subcommands included, from the server itself', () => {
    expect(system.hasCommand('cluster|shards')).toBe(true);
    expect(system.hasCommand('hexpire')).toBe(system.isAtLeast('redis', '7.4'));
    expect(system.isAtLeast('valkey', '1.0')).toBe(false);
  });
});

describe('bad server names', () => {
  it('an unknown name says which names work', async () => {
    await expect(startCluster({ server: 'memcached' })).rejects.toThrow(
      /Unknown server "memcached": use "system" \(redis-server on PATH\) or <redis\|valkey>-<x\.y\.z>/,
    );
  });

  it('a server without a tarball names both places looked in', async () => {
    await expect(startStandalone({ server: 'valkey-0.0.1' })).rejects.toThrow(
      /No source tarball valkey-0\.0\.1\.tar\.gz .*Looked in .*shared\/servers/,
    );
  });
});
