// Where the generator finds the servers' sources: KEYSLOT_SERVER_SOURCES first, then ../shared/servers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findTarballs, newestTarballs, sourceFolders, tarballsNamed } from '../src/sources.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'keyslot-command-gen-test-'));
for (const name of ['redis-7.2.5', 'redis-7.10.0', 'valkey-8.0.1', 'notes', 'redis-8']) {
  writeFileSync(path.join(dir, `${name}.tar.gz`), '');
}
const env = { KEYSLOT_SERVER_SOURCES: dir, PATH: process.env.PATH };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('server sources', () => {
  it('looks in KEYSLOT_SERVER_SOURCES first, then beside the repository', () => {
    const folders = sourceFolders(env);
    expect(folders[0]).toBe(dir);
    expect(folders[1]).toMatch(/[/\\]shared[/\\]servers$/);
  });

  it('finds release tarballs by name, ignoring other files', () => {
    const found = findTarballs(env).filter((t) => t.file.startsWith(dir));
    expect(found.map((t) => t.name)).toEqual(['redis-7.10.0', 'redis-7.2.5', 'valkey-8.0.1']);
  });

  it('takes the newest of each family by version, not by name', () => {
    expect(newestTarballs(env).map((t) => t.name)).toEqual(['redis-7.10.0', 'valkey-8.0.1']);
  });

  it('finds named releases, or none when one is missing', () => {
    expect(tarballsNamed(['redis-7.2.5'], env)?.map((t) => t.file)).toEqual([
      path.join(dir, 'redis-7.2.5.tar.gz'),
    ]);
    expect(tarballsNamed(['redis-7.2.5', 'redis-6.0.0'], env)).toBeUndefined();
  });
});
