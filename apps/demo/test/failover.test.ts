import { type DevCluster, type DevClusterNode, startCluster } from '@keyslot/dev-cluster';
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { linkKey } from '../src/links/link-keys.js';
import { type DemoServer, FLAVOURS, primaryOf, startDemoServer } from './support/demo-server.js';

// Its own cluster: this file kills a primary. Both servers run at once against it and live through one failover.
let cluster: DevCluster;
const servers: { flavour: string; server: DemoServer }[] = [];
beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
  for (const [flavour, build] of FLAVOURS) {
    servers.push({ flavour, server: await startDemoServer(build, { nodes: cluster.seeds }) });
  }
});
afterAll(async () => {
  await Promise.all(servers.map(({ server }) => server.close()));
  await cluster?.stop();
});

interface Link {
  code: string;
  url: string;
  owner: DevClusterNode;
}

let clients = 0;
const create = (server: DemoServer, body: object) =>
  request(server.url).post('/links').set('x-client-id', `failover-${++clients}`).send(body);

it('keeps answering reads on the healthy shards while a primary dies, and recovers without a restart', async () => {
  // Links with random codes land all over the slot space: every primary owns some.
  const links: Link[] = [];
  for (let i = 0; i < 45; i++) {
    const { server } = servers[i % servers.length]!;
    const url = `https://example.com/failover/${i}`;
    const reply = await create(server, { url }).expect(201);
    links.push({ code: reply.body.code, url, owner: await primaryOf(cluster, linkKey(reply.body.code)) });
  }
  const owners = new Set(links.map((link) => link.owner.address));
  expect(owners.size).toBe(3);
  // Every link is readable on both servers (reads go to replicas, which apply the writes a moment later).
  await cluster.waitFor(
    async () => {
      for (const link of links) {
        for (const { server } of servers) {
          if ((await request(server.url).get(`/links/${link.code}/info`)).status !== 200) return false;
        }
      }
      return true;
    },
    { timeoutMs: 10_000, message: 'every link to be readable on both servers' },
  );

  const victim = links[0]!.owner;
  const [heir] = cluster.replicasOf(victim);
  const healthy = links.filter((link) => link.owner !== victim);
  const orphaned = links.filter((link) => link.owner === victim);
  expect(healthy.length).toBeGreaterThan(0);
  expect(orphaned.length).toBeGreaterThan(0);

  // Reads of the healthy shards' links, on both servers, without pause until the failover is over.
  const failures: string[] = [];
  let reads = 0;
  let reading = true;
  const reader = (async () => {
    while (reading) {
      for (const link of healthy) {
        if (!reading) break;
        await Promise.all(
          servers.map(async ({ flavour, server }) => {
            const reply = await request(server.url).get(`/links/${link.code}/info`);
            reads++;
            if (reply.status !== 200 || reply.body.url !== link.url) {
              failures.push(
                `${flavour} GET /links/${link.code}/info: ${reply.status} ${JSON.stringify(reply.body)}`,
              );
            }
          }),
        );
      }
    }
  })();

  try {
    await cluster.waitFor(async () => reads > 0, { timeoutMs: 5_000, message: 'the reader to start' });
    const readsBeforeKill = reads;
    await cluster.kill(victim);
    await cluster.waitFor(
      async () => {
        await cluster.refresh();
        return cluster.nodes.find((node) => node.port === heir!.port)?.role === 'primary';
      },
      { timeoutMs: 30_000, message: `${heir!.address} to be promoted after ${victim.address} died` },
    );
    // The reader was reading while the primary was dead and its replica not yet promoted.
    expect(reads).toBeGreaterThan(readsBeforeKill);

    // No restart: the same servers resolve every link again, the dead primary's too, and create links again.
    await cluster.waitFor(
      async () => {
        for (const link of links) {
          for (const { server } of servers) {
            const reply = await request(server.url).get(`/links/${link.code}`);
            if (reply.status !== 302 || reply.headers.location !== link.url) return false;
          }
        }
        return true;
      },
      { timeoutMs: 20_000, message: 'every link to resolve again on both servers' },
    );
    // Creates work on the promoted replica's slots too: each server creates a code that the replica now serves.
    for (const { flavour, server } of servers) {
      let code = '';
      for (let i = 0; !code; i++) {
        if (i === 1000) throw new Error(`no code found that ${heir!.address} serves`);
        const candidate = `after-failover-${flavour}-${i}`;
        if ((await primaryOf(cluster, linkKey(candidate))).port === heir!.port) code = candidate;
      }
      // Resolving every link wrote to every shard (the click counters), so the connection knows the new primary.
      await create(server, { url: 'https://example.com/after', code }).expect(201);
      await cluster.waitFor(
        async () => (await request(server.url).get(`/links/${code}/info`)).status === 200,
        {
          timeoutMs: 5_000,
          message: `the link created on ${flavour} after the failover to be readable`,
        },
      );
      await request(server.url)
        .get('/health')
        .expect(200)
        .expect((reply) =>
          expect(reply.body).toMatchObject({ status: 'up', coveredSlots: 16_384, primaries: 3 }),
        );
    }
  } finally {
    reading = false;
    await reader;
  }
  expect(failures).toEqual([]);
});
