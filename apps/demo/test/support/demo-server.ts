import type { DevCluster, DevClusterNode } from '@keyslot/dev-cluster';
import { throttlerKeys } from '@keyslot/nestjs/throttler';
import type { DemoOptions } from '../../src/demo-options.js';
import { buildFastifyApp } from '../../src/fastify/fastify-app.js';
import { RATE_LIMIT_PREFIX } from '../../src/http/rate-limit.js';
import { buildNestApp } from '../../src/nest/nest-app.js';

/** The two servers the demo ships, as `describe.each` takes them. */
export const FLAVOURS = [
  ['nestjs', buildNestApp],
  ['fastify', buildFastifyApp],
] as const;

export type Flavour = (typeof FLAVOURS)[number][0];
export type BuildApp = (typeof FLAVOURS)[number][1];

/** A demo server listening on a free loopback port. */
export interface DemoServer {
  /** `http://127.0.0.1:<port>`, for supertest and the browser. */
  url: string;
  close(): Promise<void>;
}

/** Builds a demo server with either builder (both connect to the cluster first) and listens on a free port. */
export async function startDemoServer(build: BuildApp, options: DemoOptions): Promise<DemoServer> {
  const app = await build(options);
  if ('getHttpServer' in app) {
    await app.listen(0, '127.0.0.1');
    return { url: await app.getUrl(), close: () => app.close() };
  }
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

/** The slot of a key, as the cluster computes it. */
export async function slotOf(cluster: DevCluster, key: string): Promise<number> {
  const node = cluster.nodes.find((candidate) => candidate.state === 'running');
  if (!node) throw new Error('no node of the cluster is running');
  return Number(await cluster.admin(node, 'CLUSTER', 'KEYSLOT', key));
}

/** The running primary that serves a key (as of the cluster handle's last refresh). */
export async function primaryOf(cluster: DevCluster, key: string): Promise<DevClusterNode> {
  const slot = await slotOf(cluster, key);
  const owner = cluster.ownerOf(slot);
  if (owner?.state !== 'running') throw new Error(`no running primary serves slot ${slot} (key ${key})`);
  return owner;
}

/** How many times a node has run a command, from `INFO commandstats` (0 when never). */
export async function commandCalls(
  cluster: DevCluster,
  node: DevClusterNode,
  command: string,
): Promise<number> {
  const info = String(await cluster.admin(node, 'INFO', 'commandstats'));
  const match = new RegExp(`^cmdstat_${command.toLowerCase()}:calls=(\\d+)`, 'm').exec(info);
  return match ? Number(match[1]) : 0;
}

/**
 * The key of a client's `POST /links` counter: `@nestjs/throttler`'s hits key (the demo's throttler key is
 * `<handler>:<client>`), or `@fastify/rate-limit`'s per-route counter.
 */
export function rateLimitCounterKey(flavour: Flavour, client: string): string {
  return flavour === 'nestjs'
    ? throttlerKeys(`create:${client}`, 'default', RATE_LIMIT_PREFIX).hits
    : `${RATE_LIMIT_PREFIX}POST /links:${client}`;
}
