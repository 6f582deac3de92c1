// A CommonJS application loads the built package with require() (Node 20.19+ loads ES modules that way) and
// registers the plugin.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const tsc = path.join(repo, 'node_modules/.bin/tsc');

const script = `
const Fastify = require('fastify');
const { keyslot } = require('@keyslot/fastify');
const { ClusterConnection } = require('@keyslot/client');
(async () => {
  const app = Fastify();
  // Nothing listens on port 1: with connectOnStart false the app starts and connects in the background.
  await app.register(keyslot, { nodes: ['127.0.0.1:1'], connectOnStart: false });
  await app.ready();
  console.log(JSON.stringify({ decorated: app.redis instanceof ClusterConnection, open: app.redis.isOpen }));
  await app.close();
  console.log(JSON.stringify({ closed: !app.redis.isOpen }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe('a CommonJS application', () => {
  beforeAll(async () => {
    // `npm test` builds the libraries first; build them here when this file runs on its own.
    for (const lib of ['client', 'fastify']) {
      if (!existsSync(path.join(repo, `libs/${lib}/dist/index.js`))) {
        await execFileAsync(tsc, ['-p', `libs/${lib}/tsconfig.build.json`], { cwd: repo });
      }
    }
  }, 180_000);

  it('requires @keyslot/fastify and registers the plugin', async () => {
    const { stdout } = await execFileAsync(process.execPath, ['-e', script], { cwd: repo, encoding: 'utf8' });
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([{ decorated: true, open: true }, { closed: true }]);
  });
});
