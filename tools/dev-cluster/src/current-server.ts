// The server a test process runs on, known synchronously (test titles and per-server expectations are decided
// while Vitest collects tests): KEYSLOT_SERVER (set by the per-server Vitest projects), else the system one.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type BuiltServer, serverCacheRoot } from './build-server.js';
import { findOnPath } from './debian-packages.js';
import { readServerProfile } from './server-profile.js';
import { parseServerName, type ServerFamily } from './server-sources.js';
import { parseServerVersion } from './server-version.js';
import { defaultServerChoice, type ServerBinary, SYSTEM_SERVER, systemServerBinary } from './servers.js';

/** The server tests run on, and what it offers. */
export interface TestServer extends ServerBinary {
  /** Lower-case command names the server knows; subcommands as `client|setinfo`. */
  readonly commands: ReadonlySet<string>;
  /** True when the server knows the command: `hasCommand('HEXPIRE')`, `hasCommand('client|setinfo')`. */
  hasCommand(command: string): boolean;
  /** True when it is a `family` server at `version` or later: `isAtLeast('redis', '7.2')`. */
  isAtLeast(family: ServerFamily, version: string): boolean;
}

const known = new Map<string, TestServer>();

/**
 * The server dev clusters in this process run by default (`KEYSLOT_SERVER`, else Debian's redis-server), with
 * its command list. Synchronous: it reads what Vitest's global setup prepared (the build and the command
 * profile); outside Vitest, `await ensureServer()` then `await ensureServerProfile(server)` first.
 *
 * @example
 * const server = currentServer();
 * describe(`hash field expiry [${server.name}]`, () => {
 *   if (server.hasCommand('hexpire')) it('HEXPIRE sets a field TTL', ...);
 *   else it('HEXPIRE is refused as an unknown command', ...);
 * });
 */
export function currentServer(env: NodeJS.ProcessEnv = process.env): TestServer {
  const choice = defaultServerChoice(env);
  let server = known.get(choice);
  if (!server) {
    const binary = locate(choice, env);
    const profile = readServerProfile(binary, env);
    if (!profile) {
      throw new Error(
        `No command profile for ${binary.name} yet. Vitest's global setup (tools/dev-cluster/src/vitest-global-setup.ts) ` +
          'writes it; outside Vitest, call `await ensureServerProfile(await ensureServer())` first.',
      );
    }
    server = withQueries(binary, profile.commands);
    known.set(choice, server);
  }
  return server;
}

function locate(choice: string, env: NodeJS.ProcessEnv): ServerBinary {
  const system = systemBinary(env);
  if (choice === SYSTEM_SERVER) {
    if (!system)
      throw new Error('redis-server is not on PATH; run the tests through Vitest, which installs it.');
    return system;
  }
  const wanted = parseServerName(choice);
  if (!wanted)
    throw new Error(
      `Unknown server "${choice}" in KEYSLOT_SERVER: use ${SYSTEM_SERVER} or <redis|valkey>-<x.y.z>`,
    );
  if (system?.name === wanted.name) return system;
  try {
    const built = JSON.parse(
      readFileSync(path.join(serverCacheRoot(env), wanted.name, 'server.json'), 'utf8'),
    ) as BuiltServer;
    return { ...wanted, path: built.path, tls: built.tls, origin: 'built' };
  } catch {
    throw new Error(
      `${wanted.name} is not built yet; Vitest's global setup builds it (or \`await ensureServer('${wanted.name}')\`).`,
    );
  }
}

function systemBinary(env: NodeJS.ProcessEnv): ServerBinary | undefined {
  const binary = findOnPath('redis-server', env.PATH);
  if (!binary) return undefined;
  const { version } = parseServerVersion(execFileSync(binary, ['--version'], { encoding: 'utf8' }), binary);
  return systemServerBinary(binary, version);
}

function withQueries(binary: ServerBinary, commands: readonly string[]): TestServer {
  const set = new Set(commands);
  return {
    ...binary,
    commands: set,
    hasCommand: (command) => set.has(command.toLowerCase()),
    isAtLeast: (family, version) => family === binary.family && compareVersions(binary.version, version) >= 0,
  };
}

/** Compares dotted versions numerically; missing parts count as 0 (`7.2` = `7.2.0`). */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
