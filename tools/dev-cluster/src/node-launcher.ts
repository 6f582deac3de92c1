// Starts one redis-server in its own node folder and waits until it answers.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AdminClient } from './admin-client.js';
import { findFreePort } from './free-port.js';
import { CONFIG_FILE } from './redis-config.js';
import { RedisProcess } from './redis-process.js';
import { RedisReplyError, type RespEndpoint } from './resp-connection.js';
import { nodeFolder } from './run-folder.js';

const DEFAULT_START_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 5;

/** What a node needs to start. */
export interface NodeSpec {
  runDir: string;
  binary: string;
  detached: boolean;
  /** Cluster nodes also need port + 10000 free. */
  clusterBus: boolean;
  /** A fixed port; a free one is picked when undefined. */
  port?: number | undefined;
  /** Renders redis.conf for the chosen port and node folder. */
  render(port: number, dir: string): string | Promise<string>;
  /** How the admin client reaches a server on that port. */
  endpoint(port: number): RespEndpoint;
  args?: readonly string[] | undefined;
  startTimeoutMs?: number | undefined;
}

/** A started node: its port, folder, config file and process. */
export interface LaunchedNode {
  port: number;
  dir: string;
  configFile: string;
  process: RedisProcess;
}

/** What is needed to start a node's process (again) from its folder. */
export interface ProcessSpec {
  binary: string;
  dir: string;
  configFile: string;
  args?: readonly string[] | undefined;
  detached: boolean;
}

/** Thrown when redis-server exits during start-up; `portInUse` when another process took its port. */
export class NodeStartError extends Error {
  override name = 'NodeStartError';
  constructor(
    message: string,
    readonly portInUse: boolean,
  ) {
    super(message);
  }
}

/**
 * Picks a port, writes the node folder and config, starts redis-server and waits until it answers PING.
 * Another process may grab a probed port before redis binds it; then it retries with a fresh port.
 */
export async function launchNode(spec: NodeSpec, admin: AdminClient): Promise<LaunchedNode> {
  for (let attempt = 1; ; attempt++) {
    const port = spec.port ?? (await findFreePort({ withClusterBus: spec.clusterBus }));
    const dir = nodeFolder(spec.runDir, port);
    mkdirSync(dir, { recursive: true });
    const configFile = path.join(dir, CONFIG_FILE);
    writeFileSync(configFile, await spec.render(port, dir));
    try {
      const server = await startProcess(
        { ...spec, dir, configFile },
        spec.endpoint(port),
        admin,
        spec.startTimeoutMs,
      );
      return { port, dir, configFile, process: server };
    } catch (error) {
      const retry = error instanceof NodeStartError && error.portInUse && spec.port === undefined;
      if (!retry || attempt >= PORT_ATTEMPTS) throw error;
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** Starts redis-server from an existing node folder and waits until it answers; kills it if it does not. */
export async function startProcess(
  spec: ProcessSpec,
  endpoint: RespEndpoint,
  admin: AdminClient,
  timeoutMs = DEFAULT_START_TIMEOUT_MS,
): Promise<RedisProcess> {
  const server = RedisProcess.spawn({ ...spec });
  try {
    await waitUntilAnswering(server, endpoint, admin, timeoutMs);
    return server;
  } catch (error) {
    await server.kill();
    throw error;
  }
}

/** Waits until the server answers PING (an auth error counts: it is up), failing fast if it exits. */
export async function waitUntilAnswering(
  server: RedisProcess,
  endpoint: RespEndpoint,
  admin: AdminClient,
  timeoutMs: number,
): Promise<void> {
  const address = `${endpoint.host}:${endpoint.port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!server.running) {
      const log = server.logTail();
      const portInUse = log.includes('Address already in use');
      throw new NodeStartError(`redis-server for ${address} exited during start-up:\n${log}`, portInUse);
    }
    try {
      await admin.command(endpoint, ['PING'], { timeoutMs: 1_000 });
      return;
    } catch (error) {
      if (error instanceof RedisReplyError && !error.message.startsWith('LOADING')) return;
      admin.drop(endpoint);
    }
    if (Date.now() >= deadline) {
      throw new NodeStartError(
        `redis-server on ${address} did not answer PING within ${timeoutMs} ms`,
        false,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
