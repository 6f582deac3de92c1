import { fileURLToPath } from 'node:url';
import { defineProject, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';
import { SERVER_SUITES } from './test/support/server-suites.js';

const setupFiles = ['./test/support/server-in-title.ts'];

// Every test on the default server (KEYSLOT_SERVER, else Debian's redis-server).
export default mergeConfig(sharedConfig, defineProject({ test: { name: '@keyslot/client', setupFiles } }));

/** The server suites again on another server: the project `@keyslot/client@valkey-8.0.1`. */
export function clientProjectOn(server: string) {
  return mergeConfig(
    sharedConfig,
    defineProject({
      root: fileURLToPath(new URL('.', import.meta.url)),
      test: {
        name: `@keyslot/client@${server}`,
        include: SERVER_SUITES,
        env: { KEYSLOT_SERVER: server },
        setupFiles,
      },
    }),
  );
}
