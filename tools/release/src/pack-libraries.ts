import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type Library, publishedLibraries, workspaceRoot } from './libraries.js';

/** A library packed by `npm pack` (its `prepack` builds it first), and the tarball unpacked to be inspected. */
export interface PackedLibrary {
  library: Library;
  tarball: string;
  /** Where the tarball was unpacked: the package's files are under it, as a user's node_modules would hold them. */
  unpacked: string;
}

/** Packs every published library into `destination` with npm's own client, as `npm publish` would. */
export function packLibraries(destination: string): PackedLibrary[] {
  const libraries = publishedLibraries();
  const workspaces = libraries.flatMap((library) => ['--workspace', relative(workspaceRoot, library.dir)]);
  execFileSync('npm', ['pack', ...workspaces, '--pack-destination', destination, '--silent'], {
    cwd: workspaceRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' },
  });
  return libraries.map((library) => {
    const tarball = join(destination, `keyslot-${library.shortName}-${library.manifest.version}.tgz`);
    const unpacked = join(destination, 'unpacked', library.shortName);
    mkdirSync(unpacked, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
    return { library, tarball, unpacked };
  });
}
