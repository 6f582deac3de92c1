import { defineConfig } from 'vitest/config';
import { clientProjectOn } from './libs/client/vitest.config.js';
import { findServerTarballs } from './tools/dev-cluster/src/server-sources.js';

// Every package's own vitest.config.ts is a project; `npm test` runs them all and writes the JSON report
// that .ci/run reads its totals from. The client's server suites also run once per server tarball found
// (KEYSLOT_SERVER_SOURCES, ../shared/servers), each server built once into a per-user cache by the global setup.
export default defineConfig({
  test: {
    projects: [
      'libs/*/vitest.config.ts',
      'apps/*/vitest.config.ts',
      'tools/*/vitest.config.ts',
      'chaos/vitest.config.ts',
      ...findServerTarballs()
        // KEYSLOT_SERVER=<name> npm test already runs every suite on that server.
        .filter((tarball) => tarball.name !== process.env.KEYSLOT_SERVER)
        .map((tarball) => clientProjectOn(tarball.name)),
    ],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
