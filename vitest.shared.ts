import { defineConfig } from 'vitest/config';

/** Settings every package's Vitest project shares: resolve workspace packages to their TypeScript sources. */
export const sourceConditions = ['@keyslot/source'];

export const sharedConfig = defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: [new URL('./tools/dev-cluster/src/vitest-global-setup.ts', import.meta.url).pathname],
  },
});
