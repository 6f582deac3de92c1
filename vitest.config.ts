import { defineConfig } from 'vitest/config';

// Every package's own vitest.config.ts is a project; `npm test` runs them all and writes the JSON report
// that .ci/run reads its totals from.
export default defineConfig({
  test: {
    projects: [
      'libs/*/vitest.config.ts',
      'apps/*/vitest.config.ts',
      'tools/*/vitest.config.ts',
      'chaos/vitest.config.ts',
    ],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
