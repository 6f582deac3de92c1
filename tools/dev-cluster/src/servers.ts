// Which server binary a cluster or standalone server runs: Debian's redis-server on PATH (the default), or
// a release built from its tarball (`redis-7.4.1`, `valkey-8.0.1`) into the per-user cache.
import { ensureBuiltServer } from './build-server.js';
import { ensureRedisServer } from './ensure-redis-server.js';
import {
  findServerTarballs,
  parseServerName,
  type ServerFamily,
  serverSourceFolders,
} from './server-sources.js';

/** A server binary dev-cluster can run. */
export interface ServerBinary {
  /** `<family>-<version>`: `redis-7.0.15` (Debian's), `redis-7.4.1`, `valkey-8.0.1`. */
  name: string;
  family: ServerFamily;
  version: string;
  /** The server executable. */
  path: string;
  /** Whether it can serve TLS. */
  tls: boolean;
  /** `system`: redis-server on PATH; `built`: built from a tarball into the cache. */
  origin: 'system' | 'built';
}

/** The server choice meaning "redis-server on PATH" (installed with apt-get when missing, as root). */
export const SYSTEM_SERVER = 'system';

/** `KEYSLOT_SERVER` when set (what Vitest's per-server projects set), else {@link SYSTEM_SERVER}. */
export function defaultServerChoice(env: NodeJS.ProcessEnv = process.env): string {
  return env.KEYSLOT_SERVER || SYSTEM_SERVER;
}

const resolved = new Map<string, Promise<ServerBinary>>();

/**
 * Finds (or builds) the server `choice`: `system`, or `<redis|valkey>-<x.y.z>`. A name matching the system
 * redis-server's version is that binary; any other is built once from its tarball (see `build-server.ts`).
 * Resolved once per process and choice.
 */
export function ensureServer(choice = defaultServerChoice()): Promise<ServerBinary> {
  let pending = resolved.get(choice);
  if (!pending) {
    pending = resolve(choice);
    resolved.set(choice, pending);
    pending.catch(() => resolved.delete(choice));
  }
  return pending;
}

async function resolve(choice: string): Promise<ServerBinary> {
  if (choice === SYSTEM_SERVER) return systemServer();
  const wanted = parseServerName(choice);
  if (!wanted) {
    const found = findServerTarballs().map((tarball) => tarball.name);
    throw new Error(
      `Unknown server "${choice}": use "${SYSTEM_SERVER}" (redis-server on PATH) or <redis|valkey>-<x.y.z> ` +
        `with a source tarball in ${serverSourceFolders().join(' or ')} (found: ${found.join(', ') || 'none'}).`,
    );
  }
  if (wanted.family === 'redis') {
    const system = await systemServer().catch(() => undefined);
    if (system?.version === wanted.version) return system;
  }
  const built = await ensureBuiltServer(wanted);
  return {
    name: built.name,
    family: built.family,
    version: built.version,
    path: built.path,
    tls: built.tls,
    origin: 'built',
  };
}

async function systemServer(): Promise<ServerBinary> {
  const { path, version } = await ensureRedisServer();
  return systemServerBinary(path, version);
}

/** The redis-server on PATH, described (taken to support TLS, as Debian's does). */
export function systemServerBinary(path: string, version: string): ServerBinary {
  return { name: `redis-${version}`, family: 'redis', version, path, tls: true, origin: 'system' };
}

/** The servers the test matrix runs on besides the system one: one per tarball found (no build, no I/O beyond a directory listing). */
export function tarballServerNames(env: NodeJS.ProcessEnv = process.env): string[] {
  return findServerTarballs(env).map((tarball) => tarball.name);
}
