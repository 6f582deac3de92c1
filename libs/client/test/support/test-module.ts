// A real Redis module with commands no spec of the command table knows: `keyspecs.so`, built with gcc from the
// server sources' own test module (tests/modules/keyspecs.c of the release tarball that matches the test server),
// once per test process, into a temporary folder. Its commands (kspec.none, kspec.keyword, kspec.complex1...)
// declare their keys the ways modules do: a legacy range, key specs by index, keyword and numkeys, or a callback.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newestTarballs } from '../../../../tools/command-gen/src/sources.js';
import { testServer } from './command-availability.js';

function hasGcc(): boolean {
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The tarball to build the module from, or undefined when there is none for this server (or no gcc). */
const tarball = hasGcc() ? newestTarballs().find((t) => t.family === testServer.family) : undefined;

/** True when the module can be built here: the tests that load it are registered only then. */
export const moduleBuildable = tarball !== undefined;

let built: string | undefined;

/** The path of `keyspecs.so`, built on first use. */
export function keyspecsModule(): string {
  if (built !== undefined) return built;
  if (tarball === undefined) throw new Error('no server sources or no gcc: check moduleBuildable first');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keyslot-module-'));
  const header = tarball.family === 'valkey' ? 'valkeymodule.h' : 'redismodule.h';
  execFileSync('tar', [
    '-xzf',
    tarball.file,
    '-C',
    dir,
    `${tarball.name}/src/${header}`,
    `${tarball.name}/tests/modules/keyspecs.c`,
  ]);
  const root = path.join(dir, tarball.name);
  const output = path.join(dir, 'keyspecs.so');
  execFileSync('gcc', [
    '-shared',
    '-fPIC',
    '-O1',
    '-I',
    path.join(root, 'src'),
    path.join(root, 'tests', 'modules', 'keyspecs.c'),
    '-o',
    output,
  ]);
  if (!existsSync(output)) throw new Error(`gcc did not write ${output}`);
  built = output;
  return output;
}

/** Removes the built module (after the servers that loaded it have stopped). */
export function removeKeyspecsModule(): void {
  if (built !== undefined) rmSync(path.dirname(built), { recursive: true, force: true });
  built = undefined;
}
