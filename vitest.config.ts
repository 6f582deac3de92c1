import { availableParallelism } from 'node:os';
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
    // Most files spend their time waiting on servers (failovers, timeouts, restarts), so run at least two at once
    // even on a 2-core machine. Vitest's own default (cores - 1) runs one file at a time there. The projects that
    // measure or own the machine (chaos, release) set fileParallelism: false and run alone after the others.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
