// Builds a server from its release tarball into a per-user cache, once per machine: under a lock shared by every
// process, in a temporary folder that is renamed into place only when complete, so nobody ever sees half a build.
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { aptInstall, canInstallWithApt } from './debian-packages.js';
import { withFileLock } from './file-lock.js';
import {
  findServerTarball,
  findServerTarballs,
  type ServerFamily,
  type ServerName,
  sha256Of,
  verifyTarball,
} from './server-sources.js';
import { readServerVersion } from './server-version.js';

const execFileAsync = promisify(execFile);

/** A server built from its tarball, as recorded in its cache folder's `server.json`. */
export interface BuiltServer {
  name: string;
  family: ServerFamily;
  version: string;
  /** The server executable. */
  path: string;
  /** Built with `BUILD_TLS=yes` (OpenSSL headers were present). */
  tls: boolean;
  /** SHA-256 of the tarball it was built from. */
  sourceSha256: string;
}

/** Options of {@link ensureBuiltServer}. */
export interface BuildOptions {
  env?: NodeJS.ProcessEnv;
  /** Progress messages (a build takes about a minute); stderr by default. */
  log?: (message: string) => void;
}

const MANIFEST = 'server.json';
const BUILD_PREFIX = '.build-';
const OPENSSL_HEADERS = ['/usr/include/openssl/ssl.h', '/usr/local/include/openssl/ssl.h'];

/** `KEYSLOT_SERVER_CACHE`, else `$XDG_CACHE_HOME/keyslot/servers`, else `~/.cache/keyslot/servers`. */
export function serverCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KEYSLOT_SERVER_CACHE) return path.resolve(env.KEYSLOT_SERVER_CACHE);
  const cacheHome = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'keyslot', 'servers');
}

/**
 * The built server `name` (`valkey-8.0.1`), building it first when the cache has no build of the tarball found
 * now. Parallel callers, in this process or others, wait for one build.
 */
export async function ensureBuiltServer(
  server: ServerName,
  options: BuildOptions = {},
): Promise<BuiltServer> {
  const env = options.env ?? process.env;
  const root = serverCacheRoot(env);
  const cached = usableBuild(root, server.name, env);
  if (cached) return cached;
  const log = options.log ?? ((message: string) => process.stderr.write(`dev-cluster: ${message}\n`));
  return withFileLock(
    path.join(root, `${server.name}.lock`),
    async () => usableBuild(root, server.name, env) ?? build(root, server, env, log),
    { onWait: () => log(`waiting for another process building ${server.name}…`) },
  );
}

// A recorded build whose binary exists, and which was built from the tarball found now (if one is found:
// a build stays usable where the sources are gone).
function usableBuild(root: string, name: string, env: NodeJS.ProcessEnv): BuiltServer | undefined {
  let built: BuiltServer;
  try {
    built = JSON.parse(readFileSync(path.join(root, name, MANIFEST), 'utf8')) as BuiltServer;
  } catch {
    return undefined;
  }
  if (!existsSync(built.path)) return undefined;
  const tarball = findServerTarballs(env).find((candidate) => candidate.name === name);
  if (tarball && (tarball.expectedSha256 ?? sha256Of(tarball.file)) !== built.sourceSha256) return undefined;
  return built;
}

async function build(
  root: string,
  server: ServerName,
  env: NodeJS.ProcessEnv,
  log: (message: string) => void,
): Promise<BuiltServer> {
  const tarball = findServerTarball(server.name, env);
  const sourceSha256 = verifyTarball(tarball);
  const tls = await ensureOpenSslHeaders(env, log);
  mkdirSync(root, { recursive: true });
  // We hold the lock: any other build folder of this server is what a crashed build left behind.
  for (const entry of readdirSync(root)) {
    if (entry.startsWith(`${BUILD_PREFIX}${server.name}-`))
      rmSync(path.join(root, entry), { recursive: true, force: true });
  }
  const work = mkdtempSync(path.join(root, `${BUILD_PREFIX}${server.name}-`));
  const startedAt = Date.now();
  try {
    log(`building ${server.name}${tls ? ' with TLS' : ''} from ${tarball.file} (about a minute per server)…`);
    await run('tar', ['-xzf', tarball.file, '-C', work], work);
    const tree = path.join(work, sourceFolder(work));
    const jobs = String(Math.max(1, os.availableParallelism()));
    const makeArgs = [`-j${jobs}`, 'MALLOC=libc', ...(tls ? ['BUILD_TLS=yes'] : [])];
    await run('make', makeArgs, tree);

    const staged = path.join(work, 'install');
    mkdirSync(path.join(staged, 'bin'), { recursive: true });
    for (const program of ['server', 'cli']) {
      const file = `${server.family}-${program}`;
      copyFileSync(path.join(tree, 'src', file), path.join(staged, 'bin', file));
    }
    const final = path.join(root, server.name);
    const binary = path.join(final, 'bin', `${server.family}-server`);
    const reported = await readServerVersion(path.join(staged, 'bin', `${server.family}-server`));
    if (reported.family !== server.family || reported.version !== server.version) {
      throw new Error(
        `${tarball.file} built a ${reported.family} ${reported.version} server, not ${server.name}`,
      );
    }
    const built: BuiltServer = { ...server, path: binary, tls, sourceSha256 };
    writeFileSync(path.join(staged, MANIFEST), `${JSON.stringify(built, null, 2)}\n`);
    // An outdated build (another tarball of the same name) moves out of the way in one rename first.
    if (existsSync(final)) renameSync(final, path.join(work, 'outdated'));
    renameSync(staged, final);
    log(`built ${server.name} in ${((Date.now() - startedAt) / 1000).toFixed(0)} s: ${binary}`);
    return built;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// TLS needs OpenSSL's headers: provisioned like redis-server (apt-get as root), else the build goes without.
async function ensureOpenSslHeaders(
  env: NodeJS.ProcessEnv,
  log: (message: string) => void,
): Promise<boolean> {
  if (OPENSSL_HEADERS.some((file) => existsSync(file))) return true;
  if (canInstallWithApt(env)) {
    log('installing libssl-dev (OpenSSL headers, for TLS builds) with apt-get…');
    await aptInstall(['libssl-dev'], env);
    if (OPENSSL_HEADERS.some((file) => existsSync(file))) return true;
  }
  log(
    'OpenSSL headers are missing, so this build has no TLS (TLS clusters on it will refuse to start). ' +
      'Install them with `sudo apt-get install libssl-dev`, then delete the build folder to rebuild.',
  );
  return false;
}

// A release tarball unpacks to one folder (`valkey-8.0.1/`).
function sourceFolder(work: string): string {
  const folders = readdirSync(work, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  if (folders.length !== 1)
    throw new Error(`Expected the tarball to unpack to one folder, found ${folders.length}`);
  return folders[0]!.name;
}

// Runs a build step; on failure the error quotes the end of its output.
async function run(command: string, args: string[], cwd: string): Promise<void> {
  try {
    await execFileAsync(command, args, { cwd, maxBuffer: 256 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    const tail = `${stdout}${stderr}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`\`${command} ${args.join(' ')}\` failed in ${cwd}:\n${tail}`);
  }
}
