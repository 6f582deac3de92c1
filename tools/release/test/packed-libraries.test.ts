// The libraries as a user gets them: packed by npm from this checkout (prepack builds them), installed from the
// tarballs into scratch apps in a temporary folder outside the workspace (ESM with NestJS 11, CommonJS with
// NestJS 10; Fastify 5 in both), every README snippet typechecked under strict settings with
// exactOptionalPropertyTypes and node16, nodenext and bundler resolution, then a smoke test in each app against
// one real cluster.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type DevCluster, startCluster } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedLibraries, workspaceRoot } from '../src/libraries.js';
import { type PackedLibrary, packLibraries } from '../src/pack-libraries.js';
import { type ReadmeSnippet, readmeSnippets } from '../src/readme-snippets.js';
import {
  canCheck,
  createScratchApp,
  installScratchApp,
  runIn,
  SCRATCH_APPS,
  type ScratchApp,
  writeSnippetsAndConfigs,
} from '../src/scratch-apps.js';

const root = mkdtempSync(join(tmpdir(), 'keyslot-scratch-'));
const snippets: ReadmeSnippet[] = publishedLibraries().flatMap(readmeSnippets);
let packed: PackedLibrary[] = [];
let apps: ScratchApp[] = [];
const configs = new Map<ScratchApp, Map<string, string>>();
let cluster: DevCluster | undefined;

beforeAll(async () => {
  packed = packLibraries(root);
  apps = SCRATCH_APPS.map((spec) => createScratchApp(spec, root, packed));
  // The installs run side by side, the cluster starts meanwhile.
  const [started] = await Promise.all([
    startCluster({ primaries: 3, replicasPerPrimary: 0 }),
    ...apps.map(installScratchApp),
  ]);
  cluster = started as DevCluster;
  for (const app of apps) {
    configs.set(
      app,
      writeSnippetsAndConfigs(
        app,
        snippets.filter((snippet) => canCheck(app, snippet)),
      ),
    );
  }
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('packed libraries', () => {
  it('each tarball ships its LICENSE, README, built dist and src, and no tests', () => {
    const license = readFileSync(join(workspaceRoot, 'LICENSE'), 'utf8');
    for (const { library, unpacked } of packed) {
      expect(readFileSync(join(unpacked, 'LICENSE'), 'utf8'), library.name).toBe(license);
      expect(existsSync(join(unpacked, 'README.md')), library.name).toBe(true);
      expect(existsSync(join(unpacked, 'dist/index.js')), library.name).toBe(true);
      expect(existsSync(join(unpacked, 'test')), library.name).toBe(false);
    }
  });

  it('every file an exports map, a source map or a declaration map names is in the tarball', () => {
    const missing: string[] = [];
    for (const { library, unpacked } of packed) {
      const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'));
      for (const conditions of Object.values(manifest.exports as Record<string, unknown>)) {
        const targets = typeof conditions === 'string' ? [conditions] : Object.values(conditions as object);
        for (const target of targets) {
          if (!existsSync(join(unpacked, target))) missing.push(`${library.name}: exports ${target}`);
        }
      }
      for (const { entryPoint, map } of mapsOf(library.name, unpacked, manifest)) {
        for (const source of map.sources as string[]) {
          if (!existsSync(join(dirname(entryPoint), source)))
            missing.push(`${library.name}: ${entryPoint} ${source}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('publishes publicly with repository, homepage and bugs; the integrations take @keyslot/client as a peer', () => {
    for (const { library, unpacked } of packed) {
      const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'));
      expect(manifest.publishConfig?.access, library.name).toBe('public');
      expect(manifest.repository?.directory, library.name).toBe(`libs/${library.shortName}`);
      expect(manifest.homepage, library.name).toMatch(/^https:\/\//);
      expect(manifest.bugs?.url, library.name).toMatch(/^https:\/\//);
      if (library.name === '@keyslot/client') continue;
      expect(manifest.dependencies?.['@keyslot/client'], library.name).toBeUndefined();
      expect(manifest.peerDependencies?.['@keyslot/client'], library.name).toBe(
        `^${library.manifest.version}`,
      );
    }
  });

  it('every README snippet is typechecked by at least one scratch app', () => {
    const unchecked = snippets.filter((snippet) => !apps.some((app) => canCheck(app, snippet)));
    expect(unchecked.map((snippet) => snippet.id)).toEqual([]);
  });

  for (const spec of SCRATCH_APPS) {
    for (const variant of spec.variants) {
      it(`${spec.name}: the README snippets and the smoke test typecheck under ${variant.name} resolution`, async () => {
        const app = apps.find((entry) => entry.spec === spec) as ScratchApp;
        const config = configs.get(app)?.get(variant.name) ?? '';
        const { code, output } = await runIn(app, 'npx', ['tsc', '-p', config]);
        expect(output).toBe('');
        expect(code).toBe(0);
      }, 180_000);
    }

    it(`${spec.name}: the smoke test passes against a real cluster`, async () => {
      const app = apps.find((entry) => entry.spec === spec) as ScratchApp;
      const compiled = spec.variants.find((variant) => variant.emitsSmoke)?.name ?? '';
      const build = await runIn(app, 'npx', ['tsc', '-p', configs.get(app)?.get(compiled) ?? '']);
      expect(build.output).toBe('');
      const script = `out/${spec.smoke.replace(/\.mts$/, '.mjs').replace(/\.cts$/, '.cjs')}`;
      const { code, output } = await runIn(app, 'node', [script], {
        REDIS_CLUSTER_NODES: (cluster as DevCluster).seeds.join(','),
      });
      expect(output).not.toMatch(/Error/);
      expect(code).toBe(0);
      const checks = spec.name.startsWith('esm')
        ? ['client', 'otel', 'nestjs', 'fastify', 'keyv', 'session', 'bullmq']
        : ['client', 'nestjs', 'fastify'];
      expect(output.trim().split('\n')).toEqual(checks.map((check) => `ok ${check}`));
    }, 180_000);
  }
});

/** Each shipped .js.map and .d.ts.map with the file it maps. */
function mapsOf(
  name: string,
  unpacked: string,
  manifest: { exports: Record<string, Record<string, string> | string> },
): { entryPoint: string; map: { sources: unknown } }[] {
  const found: { entryPoint: string; map: { sources: unknown } }[] = [];
  for (const conditions of Object.values(manifest.exports)) {
    if (typeof conditions === 'string') continue;
    for (const target of [conditions.default, conditions.types]) {
      if (!target) continue;
      const mapFile = join(unpacked, `${target}.map`);
      if (!existsSync(mapFile)) throw new Error(`${name}: ${target} has no map`);
      found.push({ entryPoint: join(unpacked, target), map: JSON.parse(readFileSync(mapFile, 'utf8')) });
    }
  }
  return found;
}
