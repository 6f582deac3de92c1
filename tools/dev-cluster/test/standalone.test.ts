import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevStandalone, startStandalone } from '../src/index.js';
import { isProcessAlive } from '../src/processes.js';
import { rawCommand } from './helpers.js';

describe('startStandalone', () => {
  let server: DevStandalone;

  beforeAll(async () => {
    server = await startStandalone({ args: ['--maxclients', '50'] });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('runs one non-cluster server on a free loopback port', async () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.address).toBe(`127.0.0.1:${server.port}`);
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(isProcessAlive(server.pid)).toBe(true);
    expect(await rawCommand(server.port, ['PING'])).toBe('PONG');
    const info = String(await server.admin('INFO', 'cluster'));
    expect(info).toContain('cluster_enabled:0');
    expect(await server.admin('CONFIG', 'GET', 'maxclients')).toEqual(['maxclients', '50']);
  });

  it('pause stops answers until resume', async () => {
    await server.pause();
    expect(server.state).toBe('paused');
    await expect(server.adminWithTimeout(300, 'PING')).rejects.toThrow(/no reply/);
    await server.resume();
    expect(await server.admin('PING')).toBe('PONG');
  });

  it('kill and restart bring it back on the same port', async () => {
    const { port, pid } = server;
    await server.kill();
    expect(isProcessAlive(pid)).toBe(false);
    expect(server.state).toBe('stopped');
    await server.restart();
    expect(server.port).toBe(port);
    expect(server.pid).not.toBe(pid);
    expect(await server.admin('PING')).toBe('PONG');
  });

  it('shutdown stops it gracefully, restart starts it again', async () => {
    const pid = server.pid;
    await server.shutdown();
    expect(isProcessAlive(pid)).toBe(false);
    await server.restart();
    expect(await rawCommand(server.port, ['PING'])).toBe('PONG');
  });

  it('stop() kills it and removes its folder', async () => {
    const other = await startStandalone();
    const { pid, dir } = other;
    await other.stop();
    expect(isProcessAlive(pid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('startStandalone with auth', () => {
  it('password sets requirepass; the admin connection authenticates', async () => {
    const server = await startStandalone({ password: 'hunter2' });
    try {
      expect(String(await rawCommand(server.port, ['PING']))).toMatch(/NOAUTH/);
      expect(await server.admin('PING')).toBe('PONG');
    } finally {
      await server.stop();
    }
  });

  it('extraConfig can define ACL users; adminAuth picks the admin user', async () => {
    const server = await startStandalone({
      extraConfig: [
        'user default off',
        'user alice on >wonderland ~* &* +@all',
        'user bob on >builder ~bob:* +get',
      ],
      adminAuth: { username: 'alice', password: 'wonderland' },
    });
    try {
      expect(await server.admin('ACL', 'WHOAMI')).toBe('alice');
      const users = (await server.admin('ACL', 'USERS')) as string[];
      expect(users).toEqual(expect.arrayContaining(['alice', 'bob', 'default']));
      expect(String(await rawCommand(server.port, ['AUTH', 'bob', 'wrong']))).toMatch(/WRONGPASS/);
    } finally {
      await server.stop();
    }
  });
});

describe('startStandalone with TLS', () => {
  it('port: 0 gives a TLS-only server that clients reach with the generated CA', async () => {
    const server = await startStandalone({ port: 0, tls: true });
    try {
      expect(server.tls?.ca).toContain('BEGIN CERTIFICATE');
      expect(server.tlsPort).toBe(server.port);
      expect(server.url).toBe(`rediss://127.0.0.1:${server.port}`);
      expect(await rawCommand(server.port, ['PING'], { ca: server.tls!.ca })).toBe('PONG');
      expect(await server.admin('CONFIG', 'GET', 'port')).toEqual(['port', '0']);
    } finally {
      await server.stop();
    }
  });

  it('tls next to the plain port listens on both', async () => {
    const server = await startStandalone({ tls: true });
    try {
      expect(server.tlsPort).toBeDefined();
      expect(server.tlsPort).not.toBe(server.port);
      expect(await rawCommand(server.port, ['PING'])).toBe('PONG');
      expect(await rawCommand(server.tlsPort!, ['PING'], { ca: server.tls!.ca })).toBe('PONG');
    } finally {
      await server.stop();
    }
  });

  it('refuses port: 0 without TLS', async () => {
    await expect(startStandalone({ port: 0 })).rejects.toThrow(/TLS/);
  });

  it('never uses 6379, the system service port', async () => {
    await expect(startStandalone({ port: 6379 })).rejects.toThrow(/6379/);
  });
});
