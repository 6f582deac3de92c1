// Generated files are formatted by the repository's own Biome, exactly as `npm run format` would.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPOSITORY_ROOT } from './sources.js';

const BIOME = path.join(REPOSITORY_ROOT, 'node_modules', '.bin', 'biome');

/** The source text as Biome formats it (imports sorted too); `file` is its path from the repository root. */
export function formatSource(file: string, text: string): string {
  const result = spawnSync(BIOME, ['check', '--write', `--stdin-file-path=${file}`], {
    cwd: REPOSITORY_ROOT,
    input: text,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`biome could not format ${file}:\n${result.stderr || result.stdout}`);
  }
  return result.stdout;
}
