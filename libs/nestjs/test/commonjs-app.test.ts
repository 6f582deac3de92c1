// A CommonJS NestJS application, compiled the way `nest build` does (tsc, module commonjs, moduleResolution node,
// decorator metadata), uses the built package from the repository's node_modules and runs against a real cluster.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedSeeds } from './support/shared-seeds.js';

const execFileAsync = promisify(execFile);

/** Runs a program; on failure the error carries its output (tsc reports on stdout). */
async function run(file: string, args: string[], options: Parameters<typeof execFileAsync>[2] & {}) {
  try {
    return await execFileAsync(file, args, { ...options, encoding: 'utf8' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${path.basename(file)} ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`, {
      cause: error,
    });
  }
}
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const tsc = path.join(repo, 'node_modules/.bin/tsc');
// Inside the repository, so `@keyslot/*` and `@nestjs/*` resolve from its node_modules as in an installed app.
const app = path.join(repo, 'libs/nestjs/test', `.tmp-cjs-${process.pid}`);

const files: Record<string, string> = {
  // libs/nestjs is "type": "module"; an application has its own package.json.
  'package.json': JSON.stringify({ name: 'cjs-app', private: true, type: 'commonjs' }),
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      module: 'commonjs',
      moduleResolution: 'node',
      target: 'ES2021',
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
      skipLibCheck: true,
      rootDir: 'src',
      outDir: 'dist',
      types: ['node'],
    },
    include: ['src'],
  }),
  'src/visits.service.ts': `
import { Injectable } from '@nestjs/common';
import { ClusterConnection } from '@keyslot/client';

@Injectable()
export class VisitsService {
  constructor(readonly redis: ClusterConnection) {}

  async visit(page: string): Promise<number> {
    return Number(await this.redis.incr('cjs:' + process.pid + ':' + page));
  }
}
`,
  'src/health.module.ts': `
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ClusterHealthIndicator } from '@keyslot/nestjs/health';

@Module({ imports: [TerminusModule], providers: [ClusterHealthIndicator] })
export class HealthModule {}
`,
  'src/main.ts': `
import { Module } from '@nestjs/common';
import { LazyModuleLoader, NestFactory } from '@nestjs/core';
import { ClusterConnection, KeyslotModule } from '@keyslot/nestjs';
import { VisitsService } from './visits.service';

@Module({ imports: [KeyslotModule.forRoot({ nodes: process.env.SEEDS!.split(',') })], providers: [VisitsService] })
class AppModule {}

const loaded = (name: string) => Object.keys(require.cache).some((file) => file.includes('/node_modules/' + name + '/'));

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
  const visits = app.get(VisitsService);
  const report: Record<string, unknown> = {
    commonjs: typeof module === 'object' && typeof require === 'function',
    sameConnection: visits.redis === app.get(ClusterConnection),
    counts: [await visits.visit('home'), await visits.visit('home')],
    terminusBeforeHealth: loaded('@nestjs/terminus'),
  };
  // The health entry point is loaded only by whoever asks for it.
  const { ClusterHealthIndicator } = await import('@keyslot/nestjs/health');
  const health = await app.get(LazyModuleLoader).load(() => import('./health.module').then((m) => m.HealthModule));
  report.health = await health.get(ClusterHealthIndicator).isHealthy('redis');
  report.terminusAfterHealth = loaded('@nestjs/terminus');
  await app.close();
  report.closed = !visits.redis.isOpen;
  console.log(JSON.stringify(report));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`,
};

describe('a CommonJS NestJS application', () => {
  beforeAll(async () => {
    // The application uses the packages as published: their dist folders.
    await run(tsc, ['-p', 'libs/client/tsconfig.build.json'], { cwd: repo });
    await run(tsc, ['-p', 'libs/nestjs/tsconfig.build.json'], { cwd: repo });
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(app, name)), { recursive: true });
      writeFileSync(path.join(app, name), text);
    }
    await run(tsc, ['-p', path.join(app, 'tsconfig.json')], { cwd: app });
  }, 180_000);

  afterAll(() => {
    rmSync(app, { recursive: true, force: true });
  });

  it('injects ClusterConnection by class, runs commands, loads terminus only with the health entry, and exits after close', async () => {
    // The process must end by itself: a connection left open would keep it alive until the timeout kills it.
    const { stdout } = await run(process.execPath, [path.join(app, 'dist/main.js')], {
      cwd: app,
      env: { ...process.env, SEEDS: sharedSeeds().join(',') },
      timeout: 30_000,
    });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(report).toEqual({
      commonjs: true,
      sameConnection: true,
      counts: [1, 2],
      terminusBeforeHealth: false,
      health: { redis: { status: 'up', coveredSlots: 16384, primaries: 3 } },
      terminusAfterHealth: true,
      closed: true,
    });
  });
});
