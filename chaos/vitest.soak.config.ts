import { fileURLToPath } from 'node:url';
import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../vitest.shared.js';

// The soak (`npm run chaos -- --soak 10m`): random faults from the suite on one cluster for as long as asked. Not
// part of `npm test`; see README.md.
export default mergeConfig(
  sharedConfig,
  defineProject({
    root: fileURLToPath(new URL('.', import.meta.url)),
    cacheDir: fileURLToPath(new URL('../node_modules/.vite/chaos-soak', import.meta.url)),
    test: {
      name: 'chaos-soak',
      include: ['test/**/*.soak.ts'],
      // The soak's own length plus start-up, settling and the audit.
      testTimeout: Number(process.env.CHAOS_SOAK_MS ?? 600_000) + 300_000,
      hookTimeout: 120_000,
    },
  }),
);
