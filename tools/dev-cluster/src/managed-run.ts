// The lifecycle shared by clusters and standalone servers: one run folder, the processes started in it,
// their admin connections, and the exit hooks that clean up if the owner forgets or crashes.
import { rmSync } from 'node:fs';
import { AdminClient } from './admin-client.js';
import { ensureRedisServer } from './ensure-redis-server.js';
import { registerExitCleanup } from './exit-hooks.js';
import { cleanupLeftovers } from './leftovers.js';
import type { RedisProcess } from './redis-process.js';
import { createRunFolder, writeOwner } from './run-folder.js';

/** How started processes relate to this Node process. */
export interface LifecycleOptions {
  /**
   * Start servers in their own process group so they can outlive this process after `detach()` (the CLI).
   * Exit hooks still clean up until `detach()` is called. Default false.
   */
  detached?: boolean;
  /** Kill the servers and remove the folder when this process exits. Default true. */
  cleanupOnExit?: boolean;
  /** Also on SIGINT/SIGTERM (the signal is raised again afterwards). Default true. */
  cleanupOnSignals?: boolean;
}

export class ManagedRun {
  readonly admin = new AdminClient();
  private readonly processes = new Set<RedisProcess>();
  private unregisterExitCleanup: (() => void) | undefined;
  private endedFlag = false;
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly dir: string,
    readonly binary: string,
    readonly detached: boolean,
  ) {}

  /** Checks for redis-server, cleans leftovers of crashed runs, and creates a fresh run folder. */
  static async create({ detached = false, cleanupOnExit = true, cleanupOnSignals = true }: LifecycleOptions) {
    const redis = await ensureRedisServer();
    await cleanupLeftovers();
    const run = new ManagedRun(createRunFolder(), redis.path, detached);
    if (cleanupOnExit) {
      run.unregisterExitCleanup = registerExitCleanup(() => run.cleanupSync(), {
        onSignals: cleanupOnSignals,
      });
    }
    return run;
  }

  /** True after stop() or detach(). */
  get ended(): boolean {
    return this.endedFlag;
  }

  /** Remembers a started process so stop() and the exit hooks end it. */
  track(process: RedisProcess): void {
    this.processes.add(process);
  }

  /** Kills every process of this run (SIGKILL: nothing is persisted), then removes the folder. Idempotent. */
  stop(): Promise<void> {
    if (!this.stopping) {
      this.endedFlag = true;
      this.stopping = (async () => {
        await Promise.all([...this.processes].map((process) => process.kill()));
        this.admin.closeAll();
        rmSync(this.dir, { recursive: true, force: true });
        // Only now: if the process dies while stopping, the exit hook still finishes the job.
        this.unregisterExitCleanup?.();
      })();
    }
    return this.stopping;
  }

  /** Leaves the processes running and hands the folder to the CLI state file: no exit hooks, no connections. */
  detach(): void {
    if (this.endedFlag) return;
    this.endedFlag = true;
    this.unregisterExitCleanup?.();
    this.admin.closeAll();
    writeOwner(this.dir, { kind: 'detached' });
  }

  // Exit hooks must be synchronous: signal, then remove the folder without waiting.
  private cleanupSync(): void {
    this.endedFlag = true;
    for (const process of this.processes) process.signal('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
