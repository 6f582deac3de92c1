// One ClusterConnection per process: after every route has run (the throttled create with its WATCH transaction,
// the cached info, the admin page's session...), each node of the cluster sees exactly one connection from the demo,
// plus dedicated ones on primaries only for what must not share it (WATCH, here). Counted from CLIENT LIST on every
// node, so a store that opened a connection of its own, under any name, would show.
import { type DevCluster, startCluster } from '@keyslot/dev-cluster';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLAVOURS, startDemoServer } from './support/demo-server.js';

// Its own cluster, so that every client connection on it (but the test's own and the replication links) is the
// demo's: one demo server at a time.
let cluster: DevCluster;
beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
});
afterAll(async () => {
  await cluster?.stop();
});

interface ClientEntry {
  name: string;
  cmd: string;
  flags: string;
}

/** The client connections of each node, leaving out the admin connection asking and the replication links. */
async function clientsPerNode(): Promise<Map<string, ClientEntry[]>> {
  const result = new Map<string, ClientEntry[]>();
  for (const node of cluster.nodes) {
    const list = String(await cluster.admin(node, 'CLIENT', 'LIST'));
    const entries = list
      .split('\n')
      .filter(Boolean)
      .map((line) =>
        Object.fromEntries(line.split(' ').map((field) => field.split('=', 2) as [string, string])),
      )
      .map((fields) => ({ name: fields.name ?? '', cmd: fields.cmd ?? '', flags: fields.flags ?? '' }))
      .filter((entry) => entry.cmd !== 'client|list' && !/[SM]/.test(entry.flags));
    result.set(node.address, entries);
  }
  return result;
}

describe.each(FLAVOURS)('the %s server', (flavour, build) => {
  it('keeps one connection per node for everything it does, plus dedicated ones only for WATCH', async () => {
    const clientName = `demo-${flavour}-${process.pid}`;
    const server = await startDemoServer(build, {
      nodes: cluster.seeds,
      clientName,
      adminPassword: 'connections-test',
    });
    try {
      const http = request(server.url);
      // Every route, so every store is used: throttled creates (a WATCH transaction each) on links all over the
      // cluster, cached infos, clicks, a cross-slot lookup, the leaderboard, health, and an admin session.
      const codes = Array.from({ length: 9 }, (_, i) => `${flavour}-conn-${i}`);
      for (const code of codes) {
        await http
          .post('/links')
          .set('x-client-id', 'conn')
          .send({ url: `https://example.com/${code}`, code })
          .expect(201);
      }
      await cluster.waitFor(
        async () => {
          for (const code of codes) if ((await http.get(`/links/${code}/info`)).status !== 200) return false;
          return true;
        },
        { timeoutMs: 10_000, message: 'every link to be readable' },
      );
      for (const code of codes) await http.get(`/links/${code}`).expect(302);
      await http.post('/links/lookup').send({ codes }).expect(200);
      await http.get('/leaderboard').expect(200);
      await http.get('/health').expect(200);
      const login = await http.post('/admin/login').send({ password: 'connections-test' }).expect(200);
      const cookie = String([login.headers['set-cookie']].flat()[0]).split(';')[0]!;
      await http.get('/admin').set('cookie', cookie).expect(200);
      await http.post('/admin/logout').set('cookie', cookie).expect(200);

      const perNode = await clientsPerNode();
      const primaries = new Set(cluster.primaries.map((node) => node.address));
      for (const [address, entries] of perNode) {
        // Every connection on the cluster is the demo's: nothing opened a client of its own under another name.
        expect(
          entries.map((entry) => entry.name),
          address,
        ).toEqual(entries.map(() => clientName));
        // A dedicated WATCH connection ends each transaction with UNWATCH; the shared one never runs WATCH.
        const dedicated = entries.filter((entry) => entry.cmd === 'unwatch');
        const shared = entries.filter((entry) => entry.cmd !== 'unwatch');
        expect(shared, address).toHaveLength(1);
        if (!primaries.has(address)) expect(dedicated, address).toEqual([]);
      }
      // The WATCH transactions did run on dedicated connections (on the links' primaries).
      expect([...perNode.values()].flat().some((entry) => entry.cmd === 'unwatch')).toBe(true);
    } finally {
      await server.close();
    }
    // Closing the server closes its connections, so the other flavour starts from none.
    await cluster.waitFor(
      async () => [...(await clientsPerNode()).values()].every((entries) => entries.length === 0),
      {
        timeoutMs: 10_000,
        message: 'the server to close its connections',
      },
    );
  });
});
