// Installs Debian packages the servers need (redis-server, libssl-dev) when this process may: as root, with
// apt-get on PATH. Otherwise callers explain how to install them.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** True when this process can install packages itself: root, with apt-get on PATH. */
export function canInstallWithApt(env: NodeJS.ProcessEnv = process.env): boolean {
  return process.getuid?.() === 0 && findOnPath('apt-get', env.PATH) !== undefined;
}

/** `apt-get update && apt-get install -y <packages>`, non-interactive. */
export async function aptInstall(packages: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  await execFileAsync('sh', ['-c', `apt-get update && apt-get install -y ${packages.join(' ')}`], {
    env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
    maxBuffer: 64 * 1024 * 1024,
  });
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
