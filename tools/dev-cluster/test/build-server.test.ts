// Building a server from its tarball, with a tiny stand-in tarball whose Makefile "builds" a script: one build
// however many processes ask at once, nothing visible in the cache until the build is complete, and clear errors
// for a bad or missing tarball. (The real tarballs are built the same way by the Vitest global setup.)
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuiltServer, serverCacheRoot } from '../src/build-server.js';
import { findServerTarball, parseServerName, sha256Of } from '../src/server-sources.js';
import { waitFor } from '../src/wait-for.js';
import { repoRoot } from './helpers.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'keyslot-build-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let folders = 0;
/** A sources folder and an empty cache, as the environment variables that point dev-cluster at them. */
function freshFolders(): { sources: string; cache: string; env: NodeJS.ProcessEnv } {
  const base = path.join(scratch, String(++folders));
  const sources = path.join(base, 'sources');
  const cache = path.join(base, 'cache');
  mkdirSync(sources, { recursive: true });
  return {
    sources,
    cache,
    env: { ...process.env, KEYSLOT_SERVER_SOURCES: sources, KEYSLOT_SERVER_CACHE: cache },
  };
}

/**
 * Writes `<name>.tar.gz` into `sources`: a Makefile that appends a line to `builds.log` (to count builds), waits for
 * `go` to exist when `waitForGo` is set, and makes `src/<family>-server` (and `-cli`) scripts answering `--version`
 * as `reportedVersion` (the name's version by default); `note` changes the tarball's bytes.
 */
function standInTarball(
  sources: string,
  name: string,
  {
    reportedVersion,
    waitForGo = false,
    note = '',
  }: { reportedVersion?: string; waitForGo?: boolean; note?: string } = {},
): { file: string; log: string; started: string; go: string } {
  const { family, version } = parseServerName(name)!;
  const tree = path.join(scratch, `tree-${++folders}`, name);
  mkdirSync(path.join(tree, 'src'), { recursive: true });
  const log = path.join(sources, 'builds.log');
  const started = path.join(sources, 'started');
  const go = path.join(sources, 'go');
  const label = family === 'valkey' ? 'Valkey' : 'Redis';
  const script = `#!/bin/sh\n# ${note}\necho "${label} server v=${reportedVersion ?? version} sha=00000000:0 malloc=libc bits=64"\n`;
  const wait = waitForGo ? `\ttouch ${started}; while [ ! -f ${go} ]; do sleep 0.02; done\n` : '';
  writeFileSync(
    path.join(tree, 'Makefile'),
    `all:\n\techo "$(MAKEFLAGS)" >> ${log}\n${wait}\tcp server.sh src/${family}-server\n\tcp server.sh src/${family}-cli\n\tchmod +x src/${family}-server src/${family}-cli\n`,
  );
  writeFileSync(path.join(tree, 'server.sh'), script);
  chmodSync(path.join(tree, 'server.sh'), 0o755);
  const file = path.join(sources, `${name}.tar.gz`);
  execFileSync('tar', ['-czf', file, '-C', path.dirname(tree), name]);
  return { file, log, started, go };
}

const builds = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').length : 0);
const quiet = { log: () => undefined };

describe('ensureBuiltServer', () => {
  it('builds once when several callers in this process and another process ask at the same time', async () => {
    const { sources, cache, env } = freshFolders();
    const { log } = standInTarball(sources, 'redis-9.0.1');
    const server = parseServerName('redis-9.0.1')!;
    const other = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('${path.join(repoRoot, 'tools/dev-cluster/src/build-server.ts')}').then((m) => m.ensureBuiltServer({ name: 'redis-9.0.1', family: 'redis', version: '9.0.1' }, { log: () => {} }))`,
      ],
      { env, stdio: 'inherit' },
    );
    const here = await Promise.all([1, 2, 3].map(() => ensureBuiltServer(server, { env, ...quiet })));
    const [code] = await once(other, 'exit');
    expect(code).toBe(0);
    expect(builds(log)).toBe(1);
    // MALLOC=libc and TLS where OpenSSL's headers are: what the Makefile was given.
    expect(readFileSync(log, 'utf8')).toContain('MALLOC=libc');
    for (const built of here) {
      expect(built).toMatchObject({ name: 'redis-9.0.1', family: 'redis', version: '9.0.1' });
      expect(built.path).toBe(path.join(cache, 'redis-9.0.1', 'bin', 'redis-server'));
      expect(built.sourceSha256).toBe(sha256Of(path.join(sources, 'redis-9.0.1.tar.gz')));
    }
    expect(readdirSync(cache).filter((entry) => entry.startsWith('.build-'))).toEqual([]);
    // A later call finds the build in the cache.
    await ensureBuiltServer(server, { env, ...quiet });
    expect(builds(log)).toBe(1);
  });

  it('shows nothing in the cache until the build is complete', async () => {
    const { sources, cache, env } = freshFolders();
    const { started, go } = standInTarball(sources, 'valkey-9.0.2', { waitForGo: true });
    const building = ensureBuiltServer(parseServerName('valkey-9.0.2')!, { env, ...quiet });
    await waitFor(() => existsSync(started), { timeoutMs: 20_000, message: 'the build to start' });
    expect(existsSync(path.join(cache, 'valkey-9.0.2'))).toBe(false);
    writeFileSync(go, '');
    const built = await building;
    expect(built.path).toBe(path.join(cache, 'valkey-9.0.2', 'bin', 'valkey-server'));
    expect(JSON.parse(readFileSync(path.join(cache, 'valkey-9.0.2', 'server.json'), 'utf8'))).toEqual(built);
  });

  it('refuses a tarball that does not match its SHA256SUMS line, before building anything', async () => {
    const { sources, cache, env } = freshFolders();
    const { log } = standInTarball(sources, 'redis-9.0.3');
    writeFileSync(path.join(sources, 'SHA256SUMS'), `${'0'.repeat(64)}  redis-9.0.3.tar.gz\n`);
    await expect(ensureBuiltServer(parseServerName('redis-9.0.3')!, { env, ...quiet })).rejects.toThrow(
      /redis-9\.0\.3\.tar\.gz does not match its SHA256SUMS entry/,
    );
    expect(builds(log)).toBe(0);
    expect(existsSync(path.join(cache, 'redis-9.0.3'))).toBe(false);
  });

  it('rebuilds when the tarball changed since the cached build', async () => {
    const { sources, env } = freshFolders();
    const { log } = standInTarball(sources, 'redis-9.0.4');
    await ensureBuiltServer(parseServerName('redis-9.0.4')!, { env, ...quiet });
    rmSync(path.join(sources, 'redis-9.0.4.tar.gz'));
    standInTarball(sources, 'redis-9.0.4', { note: 'a patched release' });
    writeFileSync(
      path.join(sources, 'SHA256SUMS'),
      `${sha256Of(path.join(sources, 'redis-9.0.4.tar.gz'))}  redis-9.0.4.tar.gz\n`,
    );
    await ensureBuiltServer(parseServerName('redis-9.0.4')!, { env, ...quiet });
    expect(builds(log)).toBe(2);
  });

  it('refuses a build that reports another version than its name', async () => {
    const { sources, cache, env } = freshFolders();
    standInTarball(sources, 'redis-9.0.5', { reportedVersion: '9.9.9' });
    await expect(ensureBuiltServer(parseServerName('redis-9.0.5')!, { env, ...quiet })).rejects.toThrow(
      /built a redis 9\.9\.9 server, not redis-9\.0\.5/,
    );
    expect(existsSync(path.join(cache, 'redis-9.0.5'))).toBe(false);
  });

  it('names both places it looked in when the tarball is missing', async () => {
    const { sources, env } = freshFolders();
    expect(() => findServerTarball('valkey-9.0.6', env)).toThrow(
      new RegExp(
        `valkey-9\\.0\\.6\\.tar\\.gz.*Looked in ${sources} and in ${path.resolve(repoRoot, '..', 'shared', 'servers')}.*KEYSLOT_SERVER_SOURCES`,
      ),
    );
  });

  it('caches in KEYSLOT_SERVER_CACHE, else under XDG_CACHE_HOME, else ~/.cache', () => {
    expect(serverCacheRoot({ KEYSLOT_SERVER_CACHE: '/tmp/x' })).toBe('/tmp/x');
    expect(serverCacheRoot({ XDG_CACHE_HOME: '/tmp/cache-home' })).toBe('/tmp/cache-home/keyslot/servers');
    expect(serverCacheRoot({})).toBe(path.join(os.homedir(), '.cache', 'keyslot', 'servers'));
  });
});
