// Where release tarballs of other servers are found: the folder named by KEYSLOT_SERVER_SOURCES, then
// ../shared/servers beside the repository. Nothing is ever downloaded.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The server families dev-cluster knows how to build and run. */
export type ServerFamily = 'redis' | 'valkey';

/** A server named `<family>-<major>.<minor>.<patch>`, e.g. `valkey-8.0.1`. */
export interface ServerName {
  name: string;
  family: ServerFamily;
  version: string;
}

/** A release tarball found in one of the source folders. */
export interface ServerTarball extends ServerName {
  file: string;
  /** SHA-256 listed for it in the folder's SHA256SUMS, when the folder has one that lists it. */
  expectedSha256: string | undefined;
}

const NAME_PATTERN = /^(redis|valkey)-(\d+\.\d+\.\d+)$/;
const TARBALL_SUFFIX = '.tar.gz';
const CHECKSUM_FILE = 'SHA256SUMS';

/** The repository root (this file is tools/dev-cluster/src/server-sources.ts). */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Parses `valkey-8.0.1`; undefined when the name is not `<redis|valkey>-<x.y.z>`. */
export function parseServerName(name: string): ServerName | undefined {
  const match = NAME_PATTERN.exec(name);
  if (!match) return undefined;
  return { name, family: match[1] as ServerFamily, version: match[2]! };
}

/** The folders searched for tarballs, in order: `KEYSLOT_SERVER_SOURCES`, then `../shared/servers`. */
export function serverSourceFolders(env: NodeJS.ProcessEnv = process.env): string[] {
  const folders: string[] = [];
  if (env.KEYSLOT_SERVER_SOURCES) folders.push(path.resolve(env.KEYSLOT_SERVER_SOURCES));
  folders.push(path.resolve(REPOSITORY_ROOT, '..', 'shared', 'servers'));
  return folders;
}

/** Every `<family>-<version>.tar.gz` in the source folders (the first folder wins a name found twice). */
export function findServerTarballs(env: NodeJS.ProcessEnv = process.env): ServerTarball[] {
  const found = new Map<string, ServerTarball>();
  for (const folder of serverSourceFolders(env)) {
    let entries: string[];
    try {
      entries = readdirSync(folder);
    } catch {
      continue;
    }
    const sums = readChecksums(folder);
    for (const entry of entries.sort()) {
      if (!entry.endsWith(TARBALL_SUFFIX)) continue;
      const parsed = parseServerName(entry.slice(0, -TARBALL_SUFFIX.length));
      if (!parsed || found.has(parsed.name)) continue;
      found.set(parsed.name, { ...parsed, file: path.join(folder, entry), expectedSha256: sums.get(entry) });
    }
  }
  return [...found.values()];
}

/** The tarball of one server; throws naming every folder searched when there is none. */
export function findServerTarball(name: string, env: NodeJS.ProcessEnv = process.env): ServerTarball {
  const tarball = findServerTarballs(env).find((candidate) => candidate.name === name);
  if (tarball) return tarball;
  const folders = serverSourceFolders(env);
  throw new Error(
    `No source tarball ${name}${TARBALL_SUFFIX} for the server ${name}. Looked in ${folders.join(' and in ')} ` +
      `(set KEYSLOT_SERVER_SOURCES to a folder holding ${name}${TARBALL_SUFFIX}; it cannot be downloaded here).`,
  );
}

/** SHA-256 of a file, hex. */
export function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Checks a tarball against its SHA256SUMS line; returns its actual checksum. */
export function verifyTarball(tarball: ServerTarball): string {
  const actual = sha256Of(tarball.file);
  if (tarball.expectedSha256 !== undefined && tarball.expectedSha256 !== actual) {
    throw new Error(
      `${tarball.file} does not match its SHA256SUMS entry (expected ${tarball.expectedSha256}, got ${actual}); ` +
        'replace it with the release tarball.',
    );
  }
  return actual;
}

// `<sha256>  <file>` lines, as sha256sum writes them (a `*` before the name marks binary mode).
function readChecksums(folder: string): Map<string, string> {
  const sums = new Map<string, string>();
  let text: string;
  try {
    text = readFileSync(path.join(folder, CHECKSUM_FILE), 'utf8');
  } catch {
    return sums;
  }
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]{64})\s+\*?(.+)$/i.exec(line.trim());
    if (match) sums.set(match[2]!, match[1]!.toLowerCase());
  }
  return sums;
}
