// One redis-server without cluster mode, for client tests of auth, ACL, TLS and single-node behaviour.
import { findFreePort, LOOPBACK_HOST } from './free-port.js';
import { type LifecycleOptions, ManagedRun, type ServerOptions } from './managed-run.js';
import { launchNode, startProcess, waitUntilAnswering } from './node-launcher.js';
import { readProcStat } from './processes.js';
import { renderConfig, serverConfigLines, toConfigLines } from './redis-config.js';
import type { RedisProcess } from './redis-process.js';
import type { RespArg, RespEndpoint, RespReply } from './resp-connection.js';
import type { ServerBinary } from './servers.js';
import { type TlsFiles, type TlsMaterial, tlsMaterialFor } from './tls-files.js';
import { type WaitForOptions, waitFor } from './wait-for.js';

const STOP_TIMEOUT_MS = 5_000;

/** Options of {@link startStandalone}. */
export interface StartStandaloneOptions extends LifecycleOptions, ServerOptions {
  /** Plain TCP port: a free one by default; `0` disables it (TLS only, needs `tls`). */
  port?: number;
  /** Extra redis.conf lines, applied last: `requirepass`, ACL `user` lines, `maxmemory`... */
  extraConfig?: string | readonly string[];
  /** Extra redis-server command-line arguments, e.g. `['--maxclients', '10']`. */
  args?: readonly string[];
  /** Sets `requirepass`; the admin connection authenticates with it. */
  password?: string;
  /** Credentials of the admin connection when `extraConfig` sets up ACL users (overrides `password`). */
  adminAuth?: { username?: string; password: string };
  /** Also listen with TLS on a second port (`tlsPort`): `true` makes throwaway certificates. */
  tls?: boolean | TlsFiles;
}

/** A running standalone redis-server. Start one with {@link startStandalone}; always `stop()` it. */
export class DevStandalone {
  /** Always 127.0.0.1. */
  readonly host = LOOPBACK_HOST;
  private paused = false;

  private constructor(
    private readonly run: ManagedRun,
    private process: RedisProcess,
    private readonly nodeDir: string,
    private readonly configFile: string,
    private readonly plainPort: number,
    /** TLS port, when started with `tls`. */
    readonly tlsPort: number | undefined,
    /** Certificates, when started with `tls` (`ca` is what clients trust). */
    readonly tls: TlsMaterial | undefined,
    private readonly auth: RespEndpoint['auth'],
  ) {}

  /** @internal Use {@link startStandalone}. */
  static async start(options: StartStandaloneOptions = {}): Promise<DevStandalone> {
    const tlsOnly = options.port === 0;
    if (tlsOnly && !options.tls) {
      throw new Error('port: 0 disables the plain port, so TLS is needed (tls: true)');
    }
    // 6379 belongs to the system's redis service, if there is one; dev servers never touch it.
    if (options.port === 6379) throw new Error('Port 6379 is left to the system redis service; pick another');
    const run = await ManagedRun.create({ ...options, tls: Boolean(options.tls) });
    try {
      const tls = await tlsMaterialFor(options.tls, run.dir);
      const auth =
        options.adminAuth ?? (options.password === undefined ? undefined : { password: options.password });
      const extraConfig = toConfigLines(options.extraConfig);
      let tlsPort: number | undefined;
      const endpoint = (port: number): RespEndpoint => ({
        host: LOOPBACK_HOST,
        port,
        tls: tlsOnly && tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : undefined,
        auth,
      });
      // The node folder is named after the main port: the plain one, or the TLS one when plain is off.
      const launched = await launchNode(
        {
          runDir: run.dir,
          binary: run.binary,
          detached: run.detached,
          clusterBus: false,
          port: options.port && options.port > 0 ? options.port : undefined,
          args: options.args,
          render: async (port, dir) => {
            tlsPort = tlsOnly ? port : tls ? await findFreePort() : undefined;
            const lines = serverConfigLines({
              port: tlsOnly ? 0 : port,
              tlsPort,
              dir,
              tls,
              password: options.password,
            });
            return renderConfig(lines, extraConfig);
          },
          endpoint,
        },
        run.admin,
      );
      run.track(launched.process);
      return new DevStandalone(
        run,
        launched.process,
        launched.dir,
        launched.configFile,
        tlsOnly ? 0 : launched.port,
        tlsPort,
        tls,
        auth,
      );
    } catch (error) {
      await run.stop();
      throw error;
    }
  }

  /** The port clients use: the plain port, or the TLS port when the plain port is disabled. */
  get port(): number {
    return this.plainPort || (this.tlsPort ?? 0);
  }

  /** `127.0.0.1:port`. */
  get address(): string {
    return `${LOOPBACK_HOST}:${this.port}`;
  }

  /** `redis://127.0.0.1:port`, or `rediss://` when the server is TLS only. */
  get url(): string {
    return `${this.plainPort ? 'redis' : 'rediss'}://${this.address}`;
  }

  /** `rediss://127.0.0.1:tlsPort`, when started with `tls`. */
  get tlsUrl(): string | undefined {
    return this.tlsPort === undefined ? undefined : `rediss://${LOOPBACK_HOST}:${this.tlsPort}`;
  }

  /** Pid of the current redis-server process (changes on restart). */
  get pid(): number {
    return this.process.pid;
  }

  get state(): 'running' | 'paused' | 'stopped' {
    if (!this.process.running) return 'stopped';
    return this.paused ? 'paused' : 'running';
  }

  /** The server binary it runs: name (`valkey-8.0.1`), family, version, path. */
  get server(): ServerBinary {
    return this.run.server;
  }

  /** The run folder under os.tmpdir(). */
  get dir(): string {
    return this.run.dir;
  }

  /** SIGKILLs the server and waits until it is gone. */
  async kill(): Promise<void> {
    this.paused = false;
    await this.process.kill();
    this.run.admin.drop(this.endpoint());
  }

  /** SIGSTOPs the server: connections stay open but nothing is answered until `resume()`. */
  async pause(): Promise<void> {
    if (this.state !== 'running') throw new Error(`The server is ${this.state}, cannot pause it`);
    this.process.signal('SIGSTOP');
    this.paused = true;
    this.run.admin.drop(this.endpoint());
    await waitFor(() => readProcStat(this.pid)?.state === 'T', {
      timeoutMs: 5_000,
      intervalMs: 5,
      message: 'the server to be stopped by SIGSTOP',
    });
  }

  /** SIGCONTs a paused server and waits until it answers again. */
  async resume(): Promise<void> {
    if (!this.paused) return;
    this.process.signal('SIGCONT');
    this.paused = false;
    await waitUntilAnswering(this.process, this.endpoint(), this.run.admin, 10_000);
  }

  /** Stops the server gracefully (SHUTDOWN NOSAVE NOW, then SIGTERM) but keeps its folder for `restart()`. */
  async shutdown(): Promise<void> {
    if (!this.process.running) return;
    if (this.paused) {
      this.process.signal('SIGCONT');
      this.paused = false;
    }
    try {
      await this.run.admin.command(this.endpoint(), ['SHUTDOWN', 'NOSAVE', 'NOW'], { timeoutMs: 2_000 });
    } catch {
      // The connection closes as the server exits; a failed SHUTDOWN falls back to signals below.
    }
    if (!(await this.process.waitForExit(STOP_TIMEOUT_MS))) {
      this.process.signal('SIGTERM');
      if (!(await this.process.waitForExit(STOP_TIMEOUT_MS))) await this.process.kill();
    }
    this.run.admin.drop(this.endpoint());
  }

  /** Starts the server again on the same port(s) and config (stopping it first if it runs). */
  async restart(): Promise<void> {
    if (this.process.running) await this.shutdown();
    this.process = await startProcess(
      {
        binary: this.run.binary,
        dir: this.nodeDir,
        configFile: this.configFile,
        detached: this.run.detached,
      },
      this.endpoint(),
      this.run.admin,
    );
    this.run.track(this.process);
  }

  /** Kills the server and removes its folder. Safe to call twice. */
  stop(): Promise<void> {
    return this.run.stop();
  }

  /** Leaves the server running after this process ends; the handle is unusable afterwards. */
  detach(): void {
    this.run.detach();
  }

  /** Sends a raw command (5 s timeout) on the admin connection; error replies reject. */
  admin(...args: RespArg[]): Promise<RespReply> {
    return this.run.admin.command(this.endpoint(), args);
  }

  /** Like `admin`, with a custom timeout (a command to a paused server rejects once it passes). */
  adminWithTimeout(timeoutMs: number, ...args: RespArg[]): Promise<RespReply> {
    return this.run.admin.command(this.endpoint(), args, { timeoutMs });
  }

  /** Polls `condition` until it holds; throws with `message` when `timeoutMs` passes. */
  waitFor(condition: () => boolean | Promise<boolean>, options: WaitForOptions): Promise<void> {
    return waitFor(condition, options);
  }

  private endpoint(): RespEndpoint {
    const tls =
      this.plainPort === 0 && this.tls
        ? { ca: this.tls.ca, cert: this.tls.cert, key: this.tls.key }
        : undefined;
    return { host: LOOPBACK_HOST, port: this.port, tls, auth: this.auth };
  }
}

/**
 * Starts one redis-server (no cluster mode) on a free loopback port, with optional extra config, TLS and
 * password, and resolves once it answers.
 *
 * @example
 * const server = await startStandalone({ extraConfig: ['user alice on >secret ~* +@all'] });
 * try {
 *   // connect to server.url
 * } finally {
 *   await server.stop();
 * }
 */
export function startStandalone(options: StartStandaloneOptions = {}): Promise<DevStandalone> {
  return DevStandalone.start(options);
}
