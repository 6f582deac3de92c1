import { aptInstall, canInstallWithApt, findOnPath } from './debian-packages.js';
import { listRedisServerPids, readCommandLine, signalProcess, waitForProcessExit } from './processes.js';
import { readServerVersion } from './server-version.js';

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
  if (!allowInstall || !canInstallWithApt(env)) {
    throw new Error(`redis-server was not found on PATH. ${INSTALL_HINT}`);
  }
  await installWithApt(env);
  const installed = findOnPath('redis-server', env.PATH);
  if (!installed) throw new Error(`apt-get installed redis-server but it is not on PATH. ${INSTALL_HINT}`);
  return describe(installed);
}

async function describe(binary: string): Promise<RedisServerInfo> {
  const { version } = await readServerVersion(binary);
  if (Number(version.split('.')[0]) < MINIMUM_MAJOR_VERSION) {
    throw new Error(`${binary} is version ${version}; dev-cluster needs 7 or later. ${INSTALL_HINT}`);
  }
  return { path: binary, version };
}

async function installWithApt(env: NodeJS.ProcessEnv): Promise<void> {
  const runningBefore = new Set(listRedisServerPids());
  await aptInstall(['redis-server'], env);
  // Debian's postinst may start the packaged service on 6379; tests must not leave it running.
  const startedByInstall = listRedisServerPids().filter(
    (pid) => !runningBefore.has(pid) && readCommandLine(pid)?.includes(':6379'),
  );
  for (const pid of startedByInstall) signalProcess(pid, 'SIGTERM');
  await Promise.all(startedByInstall.map((pid) => waitForProcessExit(pid, 10_000)));
}
