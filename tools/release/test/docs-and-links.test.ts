import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { workspaceRoot } from '../src/libraries.js';
import { brokenLinks, headingAnchor, markdownFiles } from '../src/readme-links.js';

// The API reference is built here, as in CI, before the links to it are checked.
let typedoc: { status: number | null; output: string };
beforeAll(() => {
  const run = spawnSync('npm', ['run', 'docs', '--silent'], { cwd: workspaceRoot, encoding: 'utf8' });
  typedoc = { status: run.status, output: run.stdout + run.stderr };
}, 240_000);

describe('API reference (TypeDoc)', () => {
  it('builds into docs/api without errors or warnings, with a page for every public entry point', () => {
    expect(typedoc.output.trim()).toBe('');
    expect(typedoc.status).toBe(0);
    const index = readFileSync(join(workspaceRoot, 'docs/api/index.html'), 'utf8');
    for (const name of [
      '@keyslot/client',
      '@keyslot/nestjs',
      '@keyslot/nestjs/health',
      '@keyslot/nestjs/throttler',
      '@keyslot/nestjs/bullmq',
      '@keyslot/fastify',
      '@keyslot/fastify/rate-limit',
      '@keyslot/otel',
      '@keyslot/bullmq',
      '@keyslot/keyv',
      '@keyslot/session',
      '@keyslot/session/express',
    ]) {
      expect(index, name).toContain(`>${name}<`);
    }
    expect(existsSync(join(workspaceRoot, 'docs/api/classes/_keyslot_client.ClusterConnection.html'))).toBe(
      true,
    );
  });
});

describe('README links', () => {
  it('the root README links the API reference', () => {
    expect(readFileSync(join(workspaceRoot, 'README.md'), 'utf8')).toContain('](docs/api/index.html)');
  });

  it('every relative link and anchor in every Markdown file resolves inside the repository', () => {
    const files = markdownFiles();
    expect(files).toContain('README.md');
    expect(brokenLinks(files)).toEqual([]);
  });

  it('the checker catches a link outside the repository, a missing file and a missing heading', () => {
    expect(headingAnchor('BullMQ (`@keyslot/nestjs/bullmq`)')).toBe('bullmq-keyslotnestjsbullmq');
    const root = mkdtempSync(join(tmpdir(), 'keyslot-links-'));
    try {
      mkdirSync(join(root, 'repo/docs'), { recursive: true });
      writeFileSync(join(root, 'repo/docs/a.md'), '# Title\n\n## Some part\n');
      const links =
        '[a](docs/a.md#some-part) [b](../outside.md) [c](docs/b.md) [d](docs/a.md#nope) [e](#title)';
      writeFileSync(join(root, 'repo/README.md'), `# Title\n\n${links} [f](https://example.org)\n`);
      expect(brokenLinks(['README.md'], join(root, 'repo'))).toEqual([
        { file: 'README.md', link: '../outside.md', reason: 'outside the repository' },
        { file: 'README.md', link: 'docs/b.md', reason: 'no such file' },
        { file: 'README.md', link: 'docs/a.md#nope', reason: 'no such heading' },
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
