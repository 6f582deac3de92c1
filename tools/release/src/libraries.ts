import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root. */
export const workspaceRoot = resolve(import.meta.dirname, '../../..');

/** One public entry point of a published library: `.` or a subpath such as `./health`. */
export interface EntryPoint {
  /** The subpath in the exports map (`.`, `./health`). */
  subpath: string;
  /** The shipped declaration file it names (relative to the package). */
  types: string;
  /** The shipped JavaScript it names (relative to the package). */
  default: string;
}

/** A library under libs/ that is published to npm. */
export interface Library {
  /** The package name, `@keyslot/client`. */
  name: string;
  /** The name without its scope, `client`. */
  shortName: string;
  dir: string;
  manifest: Record<string, unknown> & { name: string; version: string };
  entryPoints: EntryPoint[];
}

type ExportConditions = Record<string, string>;

/** Every publishable library (the projects tagged `lib`), with its entry points read from its exports map. */
export function publishedLibraries(): Library[] {
  const libsDir = join(workspaceRoot, 'libs');
  return readdirSync(libsDir)
    .sort()
    .map((folder) => {
      const dir = join(libsDir, folder);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const exportsMap = manifest.exports as Record<string, ExportConditions | string>;
      const entryPoints = Object.entries(exportsMap)
        .filter((entry): entry is [string, ExportConditions] => typeof entry[1] === 'object')
        .map(([subpath, conditions]) => ({
          subpath,
          types: conditions.types ?? '',
          default: conditions.default ?? '',
        }));
      return {
        name: manifest.name,
        shortName: manifest.name.replace(/^@[^/]+\//, ''),
        dir,
        manifest,
        entryPoints,
      };
    })
    .filter((library) => (library.manifest.nx as { tags?: string[] } | undefined)?.tags?.includes('lib'));
}

/** `client`, `nestjs-health`: the name an entry point's files (API report, scratch snippets) are known by. */
export function entryPointName(library: Library, entryPoint: EntryPoint): string {
  return entryPoint.subpath === '.'
    ? library.shortName
    : `${library.shortName}-${entryPoint.subpath.slice(2)}`;
}
