import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { publishedLibraries, workspaceRoot } from '../src/libraries.js';

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: workspaceRoot, encoding: 'utf8' });
}

function nxRelease(...args: string[]): string {
  const run = spawnSync('npx', ['nx', 'release', ...args, '--dry-run', '--skip-publish'], {
    cwd: workspaceRoot,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0' },
  });
  expect(run.status, run.stdout + run.stderr).toBe(0);
  return run.stdout + run.stderr;
}

describe('nx release --dry-run', () => {
  it('versions the libraries from conventional commits and writes nothing: no commit, tag or file changed', () => {
    const before = {
      head: git('rev-parse', 'HEAD'),
      tags: git('tag', '--list'),
      status: git('status', '--porcelain'),
    };
    const output = nxRelease();
    for (const library of publishedLibraries()) expect(output).toContain(library.name);
    expect(output).toContain('"dryRun" flag means no changes were made');
    expect({
      head: git('rev-parse', 'HEAD'),
      tags: git('tag', '--list'),
      status: git('status', '--porcelain'),
    }).toEqual(before);
  }, 120_000);

  it('a forced bump moves every library to one version and the ranges the integrations hold on the client', () => {
    const status = git('status', '--porcelain');
    const output = nxRelease('patch');
    const current = publishedLibraries()[0]?.manifest.version ?? '';
    const next = current.replace(/\d+$/, (patch) => String(Number(patch) + 1));
    for (const library of publishedLibraries()) {
      const folder = library.dir.slice(workspaceRoot.length + 1);
      expect(output).toContain(`New version ${next} written to manifest: ${folder}/package.json`);
      if (library.name !== '@keyslot/client') {
        expect(output).toMatch(
          new RegExp(`Updated \\d+ dependency range\\(s\\) in manifest: ${folder}/package.json`),
        );
      }
    }
    expect(output).toContain(`CHANGELOG.md for v${next}`);
    expect(git('status', '--porcelain')).toBe(status);
  }, 120_000);
});
