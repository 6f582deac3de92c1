import swc from 'unplugin-swc';
import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

// The CacheModule test is a NestJS application: SWC keeps the decorator metadata Nest injects by.
export default mergeConfig(
  sharedConfig,
  defineProject({
    test: { name: '@keyslot/keyv' },
    plugins: [swc.vite({ module: { type: 'es6' }, jsc: { target: 'es2022' } })],
  }),
);
