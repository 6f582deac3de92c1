// The CLI as users run it: a child process, with its own state file so a developer's cluster is not touched.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterState } from '../src/cli-state.js';
import { tarballServerNames, waitFor } from '../src/index.js';
import { isProcessAlive, signalProcess } from '../src/processes.js';
import { cliPath, rawCommand, repoRoot, runCli, seedsFrom } from './helpers.js';

// The last server tarball found, else Debian's redis-server.
const cliServer = tarballServerNames().at(-1) ?? 'system';

// Each test has its own state file, so the tests can run at the same time.
const stateDir = mkdtempSync(path.join(os.tmpdir(), 'keyslot-cli-test-'));
let stateFiles = 0;
function newStateFile() {
  const stateFile = path.join(stateDir, `dev-cluster-${++stateFiles}.json`);
  const env = { ...process.env, KEYSLOT_DEV_CLUSTER_STATE: stateFile };
  const readState = () => JSON.parse(readFileSync(stateFile, 'utf8')) as ClusterState;
  return { stateFile, env, readState };
}

afterAll(async () => {
  // Whatever a failed test left running.
  for (let i = 1; i <= stateFiles; i++) {
    const stateFile = path.join(stateDir, `dev-cluster-${i}.json`);
    if (!existsSync(stateFile)) continue;
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as ClusterState;
    for (const node of state.nodes) signalProcess(node.pid, 'SIGKILL');
    rmSync(state.dir, { recursive: true, force: true });
  }
  rmSync(stateDir, { recursive: true, force: true });
});

describe.concurrent('cluster CLI', () => {
  it('start leaves a cluster running, status reports it, stop removes every trace', async () => {
    const { stateFile, env, readState } = newStateFile();
    const started = await runCli(['start', '--primaries', '2', '--replicas', '1'], env);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    const seeds = seedsFrom(started.stdout);
    expect(seeds).toHaveLength(4);
    for (const seed of seeds) expect(seed).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(started.stdout).toContain(`\n${seeds.join(',')}\n`);

    const state = readState();
    expect(state.seeds).toEqual(seeds);
    // The servers outlived the CLI process.
    for (const node of state.nodes) expect(isProcessAlive(node.pid)).toBe(true);
    const port = Number(seeds[0]!.split(':')[1]);
    expect(await rawCommand(port, ['PING'])).toBe('PONG');

    const status = await runCli(['status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('cluster_state: ok');
    for (const seed of seeds) expect(status.stdout).toContain(seed);
    expect(status.stdout.match(/primary/g)).toHaveLength(2);
    expect(status.stdout.match(/replica/g)).toHaveLength(2);

    const stopped = await runCli(['stop'], env);
    expect(stopped.code).toBe(0);
    for (const node of state.nodes) expect(isProcessAlive(node.pid)).toBe(false);
    expect(existsSync(state.dir)).toBe(false);
    expect(existsSync(stateFile)).toBe(false);

    const after = await runCli(['status'], env);
    expect(after.code).toBe(1);
    expect(after.stdout).toContain('No dev cluster is running');
  });

  it('start --foreground runs until SIGINT and then stops everything', async () => {
    const { stateFile, env, readState } = newStateFile();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', cliPath, 'start', '--foreground', '--primaries', '1', '--replicas', '1'],
      {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    try {
      await waitFor(() => stdout.includes('Press Ctrl-C') || child.exitCode !== null, {
        timeoutMs: 30_000,
        message: 'the foreground cluster to start',
      });
      expect(seedsFrom(stdout)).toHaveLength(2);
      const state = readState();
      expect(state.foregroundPid).toBe(child.pid);
      for (const node of state.nodes) expect(isProcessAlive(node.pid)).toBe(true);
      const [status, again] = await Promise.all([runCli(['status'], env), runCli(['start'], env)]);
      expect(status.code).toBe(0);
      expect(status.stdout).toContain('cluster_state: ok');
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('already running');
      expect(seedsFrom(again.stdout)).toEqual(state.seeds);

      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(stdout).toContain('Dev cluster stopped.');
      for (const node of state.nodes) expect(isProcessAlive(node.pid)).toBe(false);
      expect(existsSync(state.dir)).toBe(false);
      expect(existsSync(stateFile)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it(`start --server ${cliServer} runs that server; status names it`, async () => {
    const { env, readState } = newStateFile();
    const started = await runCli(
      ['start', '--primaries', '1', '--replicas', '0', '--server', cliServer],
      env,
    );
    expect(started.code).toBe(0);
    const state = readState();
    try {
      expect(started.stdout).toMatch(new RegExp(`^${state.server} cluster ready in`, 'm'));
      if (cliServer !== 'system') expect(state.server).toBe(cliServer);
      const port = Number(seedsFrom(started.stdout)[0]!.split(':')[1]);
      const info = String(await rawCommand(port, ['INFO', 'server']));
      expect(info).toContain(`${state.server!.split('-')[0]}_version:${state.server!.split('-')[1]}`);
      const status = await runCli(['status'], env);
      expect(status.stdout).toContain(`Dev cluster (${state.server}) in ${state.dir}`);
    } finally {
      expect((await runCli(['stop'], env)).code).toBe(0);
    }
  });

  it('rejects unknown commands with the usage', async () => {
    const { env } = newStateFile();
    const result = await runCli(['frobnicate'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: npm run cluster');
  });
});
