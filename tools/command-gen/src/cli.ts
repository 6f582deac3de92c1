// `npm run commands:generate`: reads the newest Redis and Valkey tarballs found and rewrites the generated files.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { commandSetOf, generateFiles, handWrittenMethods, OUTPUT_DIR, SAMPLES_FILE } from './generate.js';
import { README_FILE } from './readme.js';
import { newestTarballs, REPOSITORY_ROOT, sourceFolders } from './sources.js';

const tarballs = newestTarballs();
if (tarballs.length === 0) {
  console.error(
    `No redis-x.y.z.tar.gz or valkey-x.y.z.tar.gz found in ${sourceFolders().join(' or ')}. ` +
      'Put the release tarballs there, or point KEYSLOT_SERVER_SOURCES at a folder that has them.',
  );
  process.exit(1);
}
console.log(`reading the command specs of ${tarballs.map((t) => t.name).join(', ')}`);
const files = generateFiles(commandSetOf(tarballs), await handWrittenMethods());
const outputDir = path.join(REPOSITORY_ROOT, OUTPUT_DIR);
// Files of groups that no longer exist must go: the output folder is rewritten whole.
mkdirSync(outputDir, { recursive: true });
for (const entry of readdirSync(outputDir, { recursive: true, withFileTypes: true })) {
  if (entry.isFile() && entry.name.endsWith('.ts')) rmSync(path.join(entry.parentPath, entry.name));
}
for (const [file, text] of files) {
  const target = path.join(REPOSITORY_ROOT, file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, text);
}
console.log(`wrote ${files.size} files (${OUTPUT_DIR}, ${SAMPLES_FILE}, ${README_FILE})`);
