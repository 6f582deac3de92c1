// The generated files are committed and reviewed like code; this checks that they are exactly what the generator
// writes from the server releases they name. Registered only where those releases' tarballs are found
// (KEYSLOT_SERVER_SOURCES, then ../shared/servers): elsewhere there is nothing to compare with.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_SOURCES } from '../../../libs/client/src/commands/generated/command-table.js';
import { commandSetOf, generateFiles, handWrittenMethods, OUTPUT_DIR } from '../src/generate.js';
import { REPOSITORY_ROOT, tarballsNamed } from '../src/sources.js';

const tarballs = tarballsNamed(COMMAND_SOURCES);

if (tarballs !== undefined) {
  describe(`the generated files of ${COMMAND_SOURCES.join(' and ')}`, () => {
    it('are committed exactly as the generator writes them (run `npm run commands:generate` if not)', async () => {
      const files = generateFiles(commandSetOf(tarballs), await handWrittenMethods());
      const onDisk = readdirSync(path.join(REPOSITORY_ROOT, OUTPUT_DIR), {
        recursive: true,
        withFileTypes: true,
      })
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(REPOSITORY_ROOT, path.join(entry.parentPath, entry.name)))
        .sort();
      expect(onDisk, 'no file is missing or left over').toEqual(
        [...files.keys()].filter((file) => file.startsWith(`${OUTPUT_DIR}/`)).sort(),
      );
      for (const [file, text] of files) {
        expect(readFileSync(path.join(REPOSITORY_ROOT, file), 'utf8'), file).toBe(text);
      }
    });
  });
}
