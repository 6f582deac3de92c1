// What happens when the owner of a cluster exits, is interrupted, or crashes without calling stop().
// Other test runs may clean leftovers at the same time, so the checks look at effects (pid, folder), not at
// which cleanup call removed a folder.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../src/free-port.js';
import { cleanupLeftovers, RUN_FOLDER_PREFIX, tarballServerNames, waitFor } from '../src/index.js';
import { isProcessAlive, readProcStat, signalProcess } from '../src/processes.js';
import { rawCommand, repoRoot } from './helpers.js';

const fixture = path.join(repoRoot, 'tools/dev-cluster/test/fixtures/start-standalone.ts');

/** Starts the fixture and resolves with the child and what it printed once its server is up. */
async function startOwner(
  mode: 'exit' | 'wait',
  server?: string,
): Promise<{ child: ChildProcess; pid: number; dir: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, mode], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: server === undefined ? process.env : { ...process.env, KEYSLOT_SERVER: server },
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  await waitFor(() => output.includes('\n') || child.exitCode !== null, {
    timeoutMs: 20_000,
    message: 'the owner to start its server',
  });
  const { pid, dir } = JSON.parse(output.split('\n')[0]!) as { pid: number; dir: string };
  return { child, pid, dir };
}

/** A pid that surely belongs to no process any more. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid!;
}

function fakeRunFolder(ownerPid: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), RUN_FOLDER_PREFIX));
  writeFileSync(path.join(dir, 'owner.pid'), `${ownerPid}\n`);
  return dir;
}

describe('exit hooks', () => {
  it('kill the servers and remove the folder when the owner exits without stop()', async () => {
    const { child, pid, dir } = await startOwner('exit');
    if (child.exitCode === null) await once(child, 'exit');
    expect(child.exitCode).toBe(0);
    await waitFor(() => !isProcessAlive(pid), { timeoutMs: 5_000, message: 'the server to die' });
    expect(existsSync(dir)).toBe(false);
  });

  it('kill the servers on SIGTERM and still let the signal end the process', async () => {
    const { child, pid, dir } = await startOwner('wait');
    expect(isProcessAlive(pid)).toBe(true);
    child.kill('SIGTERM');
    const [code, signal] = await once(child, 'exit');
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    await waitFor(() => !isProcessAlive(pid), { timeoutMs: 5_000, message: 'the server to die' });
    expect(existsSync(dir)).toBe(false);
  });
});

describe('cleanupLeftovers', () => {
  it.each(['system', ...tarballServerNames()])(
    'cleans up after an owner that was SIGKILLed (server: %s)',
    async (server) => {
      const { child, pid, dir } = await startOwner('wait', server);
      try {
        child.kill('SIGKILL');
        await once(child, 'exit');
        // Nothing could run in the owner: the server is still there.
        expect(isProcessAlive(pid)).toBe(true);
        await cleanupLeftovers();
        expect(isProcessAlive(pid)).toBe(false);
        expect(existsSync(dir)).toBe(false);
      } finally {
        signalProcess(pid, 'SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('kills a redis-server recorded in a folder whose owner is dead', async () => {
    const dir = fakeRunFolder(await deadPid());
    const port = await findFreePort();
    const nodeDir = path.join(dir, String(port));
    mkdirSync(nodeDir);
    const redis = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', nodeDir],
      {
        stdio: 'ignore',
      },
    );
    try {
      writeFileSync(path.join(nodeDir, 'redis.pid'), `${redis.pid}\n`);
      await waitFor(async () => (await rawCommand(port, ['PING']).catch(() => '')) === 'PONG', {
        timeoutMs: 10_000,
        message: 'the fake leftover server to answer',
      });
      await cleanupLeftovers();
      expect(isProcessAlive(redis.pid!)).toBe(false);
      expect(existsSync(dir)).toBe(false);
    } finally {
      redis.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never kills a recorded pid that is not a redis-server', async () => {
    const dir = fakeRunFolder(await deadPid());
    const bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      mkdirSync(path.join(dir, '7001'));
      writeFileSync(path.join(dir, '7001', 'redis.pid'), `${bystander.pid}\n`);
      await cleanupLeftovers();
      expect(existsSync(dir)).toBe(false);
      expect(isProcessAlive(bystander.pid!)).toBe(true);
    } finally {
      bystander.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves folders of live owners alone', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), RUN_FOLDER_PREFIX));
    try {
      writeFileSync(
        path.join(dir, 'owner.pid'),
        `${process.pid}\n${readProcStat(process.pid)?.startTime ?? ''}\n`,
      );
      const removed = await cleanupLeftovers();
      expect(removed).not.toContain(dir);
      expect(existsSync(dir)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('treats a live pid with another start time as a dead owner (pid reuse)', async () => {
    const dir = fakeRunFolder(process.pid);
    writeFileSync(path.join(dir, 'owner.pid'), `${process.pid}\n1\n`);
    await cleanupLeftovers();
    expect(existsSync(dir)).toBe(false);
  });
});
