import { defineConfig } from 'vitest/config';

// The bench's own pure-logic tests (no servers): `npx vitest run --config bench/vitest.config.ts`. Not a project of
// the root config: the bench is its own npm package, installed apart.
export default defineConfig({
  test: {
    name: 'bench',
    root: new URL('.', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
