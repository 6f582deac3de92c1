import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from './libraries.js';
import type { PackedLibrary } from './pack-libraries.js';
import type { ReadmeSnippet } from './readme-snippets.js';

/** A TypeScript setting a scratch app typechecks its snippets under. */
export interface Variant {
  name: string;
  compilerOptions: Record<string, unknown>;
  /** Also compile the smoke test to out/ (one variant per app does). */
  emitsSmoke: boolean;
}

/** An app outside the workspace that installs the packed libraries as a user would. */
export interface ScratchAppSpec {
  name: string;
  type: 'module' | 'commonjs';
  /** The packed libraries it installs (short names). */
  libraries: string[];
  /** Third-party packages: a version, or `workspace` for the version the workspace has installed (npm cache). */
  dependencies: Record<string, string>;
  variants: Variant[];
  /** The file in tools/release/scratch run as its smoke test. */
  smoke: string;
}

export interface ScratchApp {
  spec: ScratchAppSpec;
  dir: string;
}

/** Settings every variant shares: what a careful user has on (strict, exactOptionalPropertyTypes, decorators). */
const strictOptions = {
  target: 'ES2022',
  lib: ['ES2023'],
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  skipLibCheck: true,
  types: ['node'],
};

export const SCRATCH_APPS: ScratchAppSpec[] = [
  {
    name: 'esm-nest11',
    type: 'module',
    libraries: ['client', 'nestjs', 'fastify', 'otel', 'bullmq', 'keyv', 'session'],
    dependencies: Object.fromEntries(
      [
        '@nestjs/common',
        '@nestjs/core',
        '@nestjs/testing',
        '@nestjs/config',
        '@nestjs/terminus',
        '@nestjs/throttler',
        '@nestjs/bullmq',
        '@nestjs/cache-manager',
        'reflect-metadata',
        'rxjs',
        'fastify',
        '@fastify/cookie',
        '@fastify/session',
        '@fastify/rate-limit',
        'bullmq',
        'keyv',
        'cache-manager',
        'express-session',
        '@types/express',
        '@types/express-session',
        '@opentelemetry/api',
        'typescript',
        '@types/node',
      ].map((name) => [name, 'workspace']),
    ),
    variants: [
      {
        name: 'node16',
        compilerOptions: { module: 'node16', moduleResolution: 'node16' },
        emitsSmoke: false,
      },
      {
        name: 'nodenext',
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' },
        emitsSmoke: true,
      },
      {
        name: 'bundler',
        compilerOptions: { module: 'preserve', moduleResolution: 'bundler' },
        emitsSmoke: false,
      },
    ],
    smoke: 'esm-smoke.mts',
  },
  {
    name: 'cjs-nest10',
    type: 'commonjs',
    libraries: ['client', 'nestjs', 'fastify'],
    dependencies: {
      '@nestjs/common': '^10.4.0',
      '@nestjs/core': '^10.4.0',
      '@nestjs/testing': '^10.4.0',
      'reflect-metadata': 'workspace',
      rxjs: 'workspace',
      fastify: 'workspace',
      typescript: 'workspace',
      '@types/node': 'workspace',
    },
    // require() of an ES module typechecks under nodenext (TypeScript 5.8+), as Node 20.19+ runs it.
    variants: [
      {
        name: 'nodenext',
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' },
        emitsSmoke: true,
      },
    ],
    smoke: 'cjs-smoke.cts',
  },
];

function workspaceVersion(name: string): string {
  return JSON.parse(readFileSync(join(workspaceRoot, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** Writes the app's package.json, snippets and smoke test under `root`. */
export function createScratchApp(spec: ScratchAppSpec, root: string, packed: PackedLibrary[]): ScratchApp {
  const dir = join(root, spec.name);
  mkdirSync(join(dir, 'snippets'), { recursive: true });
  const dependencies: Record<string, string> = {};
  for (const short of spec.libraries) {
    const library = packed.find((entry) => entry.library.shortName === short);
    if (!library) throw new Error(`${short} was not packed`);
    dependencies[library.library.name] = `file:${library.tarball}`;
  }
  for (const [name, version] of Object.entries(spec.dependencies)) {
    dependencies[name] = version === 'workspace' ? workspaceVersion(name) : version;
  }
  const manifest = { name: `keyslot-scratch-${spec.name}`, private: true, type: spec.type, dependencies };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  copyFileSync(join(workspaceRoot, 'tools/release/scratch', spec.smoke), join(dir, spec.smoke));
  return { spec, dir };
}

/** `npm install` as a user would, from the warm npm cache where it can. Resolves with npm's output. */
export function installScratchApp(app: ScratchApp): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
      {
        cwd: app.dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`npm install in ${app.spec.name} failed:\n${output}`)),
    );
  });
}

/** Whether every package a snippet imports is installed in the app (its types, for `express`). */
export function canCheck(app: ScratchApp, snippet: ReadmeSnippet): boolean {
  return snippet.packages.every(
    (name) =>
      existsSync(join(app.dir, 'node_modules', name, 'package.json')) ||
      existsSync(join(app.dir, 'node_modules/@types', name.replace(/^@(.*)\//, '$1__'), 'package.json')),
  );
}

/**
 * Writes the snippets the app can check (as .mts in a CommonJS app: they use top-level await) and one tsconfig
 * per variant; returns the tsconfig files.
 */
export function writeSnippetsAndConfigs(app: ScratchApp, snippets: ReadmeSnippet[]): Map<string, string> {
  const extension = app.spec.type === 'module' ? '.ts' : '.mts';
  const files = snippets.map((snippet) => {
    const file = `snippets/${snippet.id}${extension}`;
    writeFileSync(join(app.dir, file), snippet.module);
    return file;
  });
  const configs = new Map<string, string>();
  for (const variant of app.spec.variants) {
    const config = {
      compilerOptions: {
        ...strictOptions,
        ...variant.compilerOptions,
        ...(variant.emitsSmoke ? { outDir: 'out', rootDir: '.', noEmitOnError: true } : { noEmit: true }),
      },
      files: [...files, app.spec.smoke],
    };
    const name = `tsconfig.${variant.name}.json`;
    writeFileSync(join(app.dir, name), `${JSON.stringify(config, null, 2)}\n`);
    configs.set(variant.name, name);
  }
  return configs;
}

/** Runs a command in the app; resolves with its exit code and output. */
export function runIn(
  app: ScratchApp,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 120_000,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: app.dir, env: { ...process.env, ...env }, timeout: timeoutMs });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
