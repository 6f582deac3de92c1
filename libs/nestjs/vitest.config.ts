import swc from 'unplugin-swc';
import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

// Vite's default transform drops decorator metadata, which NestJS needs to inject by class; SWC keeps it.
export default mergeConfig(
  sharedConfig,
  defineProject({
    test: {
      name: '@keyslot/nestjs',
      // Appended to the shared global setup (which makes sure redis-server is installed) by mergeConfig.
      globalSetup: ['./test/support/shared-cluster.global-setup.ts'],
    },
    plugins: [swc.vite({ module: { type: 'es6' }, jsc: { target: 'es2022' } })],
  }),
);
