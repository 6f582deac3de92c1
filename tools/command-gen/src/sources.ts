// Where the servers' command specs come from: the release tarballs in KEYSLOT_SERVER_SOURCES, then in
// ../shared/servers beside the repository. Only `src/commands/*.json` is extracted, into a temporary folder that
// is removed afterwards: the specs are read, never committed (Redis 7.4's sources are RSALv2/SSPL).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RawCommand } from './spec.js';

/** The repository root (this file is tools/command-gen/src/sources.ts). */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A server release, e.g. `redis-7.4.1`. */
export interface ServerRelease {
  /** `redis-7.4.1`, `valkey-8.0.1`. */
  readonly name: string;
  readonly family: 'redis' | 'valkey';
  readonly version: string;
}

/** A release tarball found on disk. */
export interface ServerTarball extends ServerRelease {
  readonly file: string;
}

/** One server's command specs: every `src/commands/*.json` of its source tree, by file name. */
export interface ServerSpecs extends ServerRelease {
  readonly files: ReadonlyMap<string, Readonly<Record<string, RawCommand>>>;
}

const TARBALL = /^(redis|valkey)-(\d+)\.(\d+)\.(\d+)\.tar\.gz$/;

/** The folders searched for tarballs, in order. */
export function sourceFolders(env: NodeJS.ProcessEnv = process.env): string[] {
  const folders: string[] = [];
  if (env.KEYSLOT_SERVER_SOURCES) folders.push(path.resolve(env.KEYSLOT_SERVER_SOURCES));
  folders.push(path.resolve(REPOSITORY_ROOT, '..', 'shared', 'servers'));
  return folders;
}

/** Every release tarball in the source folders; a name found in two folders is taken from the first. */
export function findTarballs(env: NodeJS.ProcessEnv = process.env): ServerTarball[] {
  const found = new Map<string, ServerTarball>();
  for (const folder of sourceFolders(env)) {
    let entries: string[];
    try {
      entries = readdirSync(folder).sort();
    } catch {
      continue;
    }
    for (const entry of entries) {
      const match = TARBALL.exec(entry);
      if (!match) continue;
      const name = entry.slice(0, -'.tar.gz'.length);
      if (found.has(name)) continue;
      const version = `${match[2]}.${match[3]}.${match[4]}`;
      found.set(name, {
        name,
        family: match[1] as 'redis' | 'valkey',
        version,
        file: path.join(folder, entry),
      });
    }
  }
  return [...found.values()];
}

function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** The newest release of each family found (what `npm run commands:generate` reads by default). */
export function newestTarballs(env: NodeJS.ProcessEnv = process.env): ServerTarball[] {
  const newest = new Map<string, ServerTarball>();
  for (const tarball of findTarballs(env)) {
    const current = newest.get(tarball.family);
    if (!current || compareVersions(tarball.version, current.version) > 0)
      newest.set(tarball.family, tarball);
  }
  return [...newest.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The tarballs of exactly these releases, or undefined when any of them is missing. */
export function tarballsNamed(
  names: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ServerTarball[] | undefined {
  const all = findTarballs(env);
  const out: ServerTarball[] = [];
  for (const name of names) {
    const tarball = all.find((candidate) => candidate.name === name);
    if (!tarball) return undefined;
    out.push(tarball);
  }
  return out;
}

/** Extracts `<release>/src/commands/*.json` from a tarball and reads them. */
export function readSpecs(tarball: ServerTarball): ServerSpecs {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keyslot-command-gen-'));
  try {
    execFileSync(
      'tar',
      ['-xzf', tarball.file, '-C', dir, '--wildcards', `${tarball.name}/src/commands/*.json`],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const specDir = path.join(dir, tarball.name, 'src', 'commands');
    const files = new Map<string, Record<string, RawCommand>>();
    for (const file of readdirSync(specDir).sort()) {
      if (!file.endsWith('.json')) continue;
      files.set(file, JSON.parse(readFileSync(path.join(specDir, file), 'utf8')));
    }
    return { name: tarball.name, family: tarball.family, version: tarball.version, files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
