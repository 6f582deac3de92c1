import { fileURLToPath } from 'node:url';
import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../vitest.shared.js';

// The fault suite. Short form in `npm test`; the full one with CHAOS_FULL=1 (see README.md). Scenarios run one
// after another in one file: each starts its own cluster and owns the machine's CPU while it measures.
export default mergeConfig(
  sharedConfig,
  defineProject({
    // Its own root, so that `vitest run --config chaos/vitest.config.ts` works from the repository root too; the
    // cache stays in the root's node_modules.
    root: fileURLToPath(new URL('.', import.meta.url)),
    cacheDir: fileURLToPath(new URL('../node_modules/.vite/chaos', import.meta.url)),
    test: {
      name: 'chaos',
      // Alone, after every other project's files: its bounds are measured on a machine nothing else is using.
      fileParallelism: false,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 600_000,
      hookTimeout: 120_000,
    },
  }),
);
