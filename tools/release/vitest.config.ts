import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

// One file at a time: packing rebuilds dist/ (prepack) while the API reports read it, and the scratch-app
// installs and compiles are heavy enough on a 2-core machine without the others beside them.
export default mergeConfig(
  sharedConfig,
  defineProject({ test: { name: '@keyslot/release', fileParallelism: false } }),
);
