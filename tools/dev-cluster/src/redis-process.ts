// One redis-server process started by this Node process.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LOG_FILE } from './redis-config.js';
import { PID_FILE } from './run-folder.js';

/** File in each node folder that catches what redis prints before its logfile is open (config errors). */
export const STDOUT_FILE = 'stdout.log';

export interface SpawnRedisOptions {
  /** Path of the redis-server binary. */
  binary: string;
  configFile: string;
  /** Node folder: working directory, pid file and logs. */
  dir: string;
  /** Extra command-line arguments after the config file (`--port 0`...). */
  args?: readonly string[] | undefined;
  /** Own process group, so the server can outlive this process (CLI) and a Ctrl-C does not reach it. */
  detached?: boolean | undefined;
}

/** A spawned redis-server, with its pid recorded in the node folder for crash cleanup. */
export class RedisProcess {
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  private exitedFlag = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly pid: number,
    readonly dir: string,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        this.exitedFlag = true;
        resolve();
      });
    });
  }

  /** Spawns the server; throws when it cannot be started at all (binary missing). */
  static spawn({ binary, configFile, dir, args = [], detached = false }: SpawnRedisOptions): RedisProcess {
    const output = openSync(path.join(dir, STDOUT_FILE), 'a');
    let child: ChildProcess;
    try {
      child = spawn(binary, [configFile, ...args], { cwd: dir, detached, stdio: ['ignore', output, output] });
    } finally {
      closeSync(output);
    }
    if (child.pid === undefined) throw new Error(`Could not start ${binary}`);
    child.on('error', () => undefined);
    writeFileSync(path.join(dir, PID_FILE), `${child.pid}\n`);
    // The exit hooks and stop() end it; a forgotten server must not keep the Node process alive.
    child.unref();
    return new RedisProcess(child, child.pid, dir);
  }

  /** True until the process has exited. */
  get running(): boolean {
    return !this.exitedFlag && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends a signal if the process is still running. */
  signal(signal: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      this.child.kill(signal);
    } catch {
      // Exited meanwhile.
    }
  }

  /** Resolves true once exited, false if still running after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<boolean> {
    if (!this.running) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    // An unref'd child does not keep the event loop alive; while someone waits for its exit it must.
    this.child.ref();
    try {
      return await Promise.race([this.exited.then(() => true), timedOut]);
    } finally {
      clearTimeout(timer);
      this.child.unref();
    }
  }

  /** SIGKILL, then wait until it is gone. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    while (!(await this.waitForExit(60_000))) this.signal('SIGKILL');
  }

  /** The last lines of the server's log and stdout, to explain a failed start. */
  logTail(lines = 15): string {
    const read = (file: string) => {
      try {
        return readFileSync(path.join(this.dir, file), 'utf8').trim().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    };
    return [read(STDOUT_FILE), read(LOG_FILE)].filter(Boolean).join('\n');
  }
}
