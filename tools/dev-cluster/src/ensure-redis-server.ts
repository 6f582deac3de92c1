import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { listRedisServerPids, readCommandLine, signalProcess, waitForProcessExit } from './processes.js';

const execFileAsync = promisify(execFile);

/** The redis-server binary dev-cluster runs. */
export interface RedisServerInfo {
  path: string;
  version: string;
}

export interface EnsureRedisServerOptions {
  /** Environment whose PATH is searched; process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Install with apt-get when missing (only as root with apt-get); true by default. */
  allowInstall?: boolean;
}

const MINIMUM_MAJOR_VERSION = 7;
const INSTALL_HINT =
  'Install it with `sudo apt-get install redis-server` (Debian/Ubuntu), or put a redis-server 7+ binary on PATH.';

let cached: Promise<RedisServerInfo> | undefined;

/**
 * Finds redis-server (7+) on PATH. When it is missing and this process runs as root with apt-get available,
 * installs the Debian package and stops any service the install started; otherwise throws with install hints.
 * The default lookup is done once per process.
 */
export function ensureRedisServer(options: EnsureRedisServerOptions = {}): Promise<RedisServerInfo> {
  if (options.env !== undefined || options.allowInstall !== undefined) return locateOrInstall(options);
  if (!cached) {
    cached = locateOrInstall({});
    cached.catch(() => {
      cached = undefined;
    });
  }
  return cached;
}

async function locateOrInstall({ env = process.env, allowInstall = true }: EnsureRedisServerOptions) {
  const found = findOnPath('redis-server', env.PATH);
  if (found) return describe(found);
  const aptGet = findOnPath('apt-get', env.PATH);
  if (!allowInstall || process.getuid?.() !== 0 || !aptGet) {
    throw new Error(`redis-server was not found on PATH. ${INSTALL_HINT}`);
  }
  await installWithApt(env);
  const installed = findOnPath('redis-server', env.PATH);
  if (!installed) throw new Error(`apt-get installed redis-server but it is not on PATH. ${INSTALL_HINT}`);
  return describe(installed);
}

async function describe(binary: string): Promise<RedisServerInfo> {
  const { stdout } = await execFileAsync(binary, ['--version']);
  const version = /v=(\d+\.\d+\.\d+)/.exec(stdout)?.[1];
  if (!version) throw new Error(`Could not read the version of ${binary} from: ${stdout.trim()}`);
  if (Number(version.split('.')[0]) < MINIMUM_MAJOR_VERSION) {
    throw new Error(`${binary} is version ${version}; dev-cluster needs 7 or later. ${INSTALL_HINT}`);
  }
  return { path: binary, version };
}

async function installWithApt(env: NodeJS.ProcessEnv): Promise<void> {
  const runningBefore = new Set(listRedisServerPids());
  const installEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  await execFileAsync('sh', ['-c', 'apt-get update && apt-get install -y redis-server'], {
    env: installEnv,
    maxBuffer: 64 * 1024 * 1024,
  });
  // Debian's postinst may start the packaged service on 6379; tests must not leave it running.
  const startedByInstall = listRedisServerPids().filter(
    (pid) => !runningBefore.has(pid) && readCommandLine(pid)?.includes(':6379'),
  );
  for (const pid of startedByInstall) signalProcess(pid, 'SIGTERM');
  await Promise.all(startedByInstall.map((pid) => waitForProcessExit(pid, 10_000)));
}

/** The first executable named `name` in the PATH directories; undefined when there is none. */
export function findOnPath(name: string, searchPath = process.env.PATH): string | undefined {
  for (const dir of (searchPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}
