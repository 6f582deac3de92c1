// The lifecycle shared by clusters and standalone servers: one run folder, the processes started in it,
// their admin connections, and the exit hooks that clean up if the owner forgets or crashes.
import { rmSync } from 'node:fs';
import { AdminClient } from './admin-client.js';
import { registerExitCleanup } from './exit-hooks.js';
import { cleanupLeftovers } from './leftovers.js';
import type { RedisProcess } from './redis-process.js';
import { createRunFolder, writeOwner } from './run-folder.js';
import { defaultServerChoice, ensureServer, type ServerBinary } from './servers.js';

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

/** Which server binary to run, for clusters and standalone servers alike. */
export interface ServerOptions {
  /**
   * `system` (Debian's redis-server on PATH), or `<redis|valkey>-<x.y.z>` built once from its tarball (found in
   * `KEYSLOT_SERVER_SOURCES` or `../shared/servers`). Default: `KEYSLOT_SERVER`, else `system`.
   */
  server?: string;
}

export class ManagedRun {
  readonly admin = new AdminClient();
  private readonly processes = new Set<RedisProcess>();
  private unregisterExitCleanup: (() => void) | undefined;
  private stopping: Promise<void> | undefined;
  private handedOver = false;

  private constructor(
    readonly dir: string,
    readonly server: ServerBinary,
    readonly detached: boolean,
  ) {}

  /**
   * Finds (or builds) the server, cleans leftovers of crashed runs, and creates a fresh run folder. `tls`: the
   * caller needs a server that can serve TLS.
   */
  static async create({
    detached = false,
    cleanupOnExit = true,
    cleanupOnSignals = true,
    server: choice = defaultServerChoice(),
    tls = false,
  }: LifecycleOptions & ServerOptions & { tls?: boolean }) {
    const server = await ensureServer(choice);
    if (tls && !server.tls) {
      throw new Error(
        `${server.name} (${server.path}) was built without TLS: install libssl-dev, delete ${server.path.replace(/\/bin\/[^/]+$/, '')} and run again to rebuild it with TLS.`,
      );
    }
    await cleanupLeftovers();
    const run = new ManagedRun(createRunFolder(), server, detached);
    if (cleanupOnExit) {
      run.unregisterExitCleanup = registerExitCleanup(() => run.cleanupSync(), {
        onSignals: cleanupOnSignals,
      });
    }
    return run;
  }

  /** The server executable. */
  get binary(): string {
    return this.server.path;
  }

  /** Remembers a started process so stop() and the exit hooks end it. */
  track(server: RedisProcess): void {
    this.processes.add(server);
  }

  /**
   * Kills every process of this run (SIGKILL: nothing is persisted), then removes the folder. Idempotent;
   * a no-op after detach(), whose servers belong to the CLI state file.
   */
  stop(): Promise<void> {
    if (this.handedOver) return Promise.resolve();
    if (!this.stopping) {
      this.stopping = (async () => {
        await Promise.all([...this.processes].map((server) => server.kill()));
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
    if (this.stopping || this.handedOver) return;
    this.handedOver = true;
    this.unregisterExitCleanup?.();
    this.admin.closeAll();
    writeOwner(this.dir, { kind: 'detached' });
  }

  // Exit hooks must be synchronous: signal, then remove the folder without waiting.
  private cleanupSync(): void {
    for (const server of this.processes) server.signal('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
