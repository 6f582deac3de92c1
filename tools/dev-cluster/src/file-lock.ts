// An exclusive lock shared by every process on the machine, held by a `flock` child: the kernel releases it
// when that child exits, so a crashed holder never leaves a stale lock behind.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** Called once if another process holds the lock, before waiting for it. */
  onWait?: () => void;
}

/**
 * Runs `work` while holding an exclusive `flock` on `file` (created if needed), and releases it afterwards
 * whether `work` resolved or threw. Waits for as long as another holder keeps the lock.
 */
export async function withFileLock<T>(
  file: string,
  work: () => Promise<T>,
  { onWait }: FileLockOptions = {},
): Promise<T> {
  mkdirSync(path.dirname(file), { recursive: true });
  const release = await acquire(file, onWait);
  try {
    return await work();
  } finally {
    await release();
  }
}

// `flock` takes the lock, then runs `cat` until we close its stdin (or our process dies and the pipe closes).
// With `--nonblock` first, we learn whether we are about to wait (to say so), then block for real.
async function acquire(file: string, onWait: (() => void) | undefined): Promise<() => Promise<void>> {
  const held = await tryHold(file, true);
  if (held) return held;
  onWait?.();
  const waited = await tryHold(file, false);
  if (!waited) throw new Error(`Could not take the lock ${file}`);
  return waited;
}

function tryHold(file: string, nonblocking: boolean): Promise<(() => Promise<void>) | undefined> {
  const flags = nonblocking ? ['--exclusive', '--nonblock'] : ['--exclusive'];
  const child = spawn('flock', [...flags, file, '-c', 'echo locked && exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let locked = false;
    child.once('error', (error) =>
      reject(new Error(`Could not run flock (util-linux) to take the lock ${file}: ${error.message}`)),
    );
    child.stdout.once('data', () => {
      locked = true;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      resolve(async () => {
        child.stdin.end();
        await exited;
      });
    });
    // An exit before "locked": the lock was busy (--nonblock exits with 1) or flock failed.
    child.once('exit', (code) => {
      if (locked) return;
      if (nonblocking && code === 1) resolve(undefined);
      else reject(new Error(`flock exited with code ${code} while taking the lock ${file}`));
    });
  });
}
