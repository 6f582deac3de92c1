import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildResult, ChildTask } from './child.js';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(BENCH_DIR, '..');

/**
 * Node flags of every child: TypeScript through tsx, and `@keyslot/*` packages resolved to their TypeScript
 * source (the `@keyslot/source` export condition) rather than a possibly stale `dist/`.
 */
export const CHILD_EXEC_ARGV = ['--conditions=@keyslot/source', '--import', 'tsx'];

/** Forks `bench/src/<script>` with a JSON task as its one argument; cwd is the repo root (where tsx is). */
export function forkChild(script: string, task: unknown, extraExecArgv: string[] = []): ChildProcess {
  return fork(path.join(BENCH_DIR, 'src', script), [JSON.stringify(task)], {
    cwd: REPO_ROOT,
    execArgv: [...CHILD_EXEC_ARGV, ...extraExecArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/**
 * Runs a child that sends one `{ type: 'result' | 'error' }` message; SIGKILLs it (by its own pid) when it takes
 * longer than `timeoutMs`, and waits for it to exit so children never overlap.
 */
export function runChild<T>(
  script: string,
  task: unknown,
  timeoutMs: number,
  extraExecArgv: string[] = [],
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = forkChild(script, task, extraExecArgv);
    let outcome: { ok: true; value: T } | { ok: false; error: Error } | undefined;
    const timer = setTimeout(() => {
      outcome ??= { ok: false, error: new Error(`${script} took longer than ${timeoutMs} ms; killed`) };
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (message: { type: string; result?: T; message?: string }) => {
      if (message.type === 'result') outcome ??= { ok: true, value: message.result as T };
      else if (message.type === 'error') outcome ??= { ok: false, error: new Error(message.message) };
    });
    child.on('error', (error) => {
      outcome ??= { ok: false, error };
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const result = outcome ?? {
        ok: false as const,
        error: new Error(`${script} exited (${signal ?? code}) without a result`),
      };
      if (result.ok) resolve(result.value);
      else reject(result.error);
    });
  });
}

/**
 * One client × one matrix scenario in `child.ts` (the matrix, the profiles, the experiments, the scale limit), killed
 * when it runs `slackMs` past its warm-up and window.
 */
export function runScenarioChild(
  task: ChildTask,
  extraExecArgv: string[] = [],
  slackMs = 45_000,
): Promise<ChildResult> {
  return runChild<ChildResult>('child.ts', task, task.warmupMs + task.durationMs + slackMs, extraExecArgv);
}
