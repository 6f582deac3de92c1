import { type DevCluster, keysStartingWith, startCluster, waitFor } from '@keyslot/dev-cluster';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINK_CACHE_NAMESPACE } from '../src/http/link-cache.js';
import { RATE_LIMIT_MAX } from '../src/http/rate-limit.js';
import { SESSION_PREFIX } from '../src/http/sessions.js';
import { clicksKey, createdKey, infoCacheKey, linkKey } from '../src/links/link-keys.js';
import {
  type BuildApp,
  commandCalls,
  type DemoServer,
  FLAVOURS,
  primaryOf,
  rateLimitCounterKey,
  slotOf,
  startDemoServer,
} from './support/demo-server.js';

const ADMIN_PASSWORD = 'the demo admin password';

// One real 3+3 cluster for both servers. Nothing here changes its topology: the fault tests have their own.
let cluster: DevCluster;
beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
});
afterAll(async () => {
  await cluster?.stop();
});

/**
 * Reads go to replicas (the demo's `readFrom: 'preferReplica'`), which apply a write a moment after the primary
 * acknowledged it: what a read shows after a write (a click count, the leaderboard) is awaited, with a deadline.
 */
const eventually = (condition: () => Promise<boolean>, message: string) =>
  waitFor(condition, { timeoutMs: 5_000, intervalMs: 20, message });

describe.each(FLAVOURS)('the %s server', (flavour, build: BuildApp) => {
  let server: DemoServer;
  let http: ReturnType<typeof request>;
  beforeAll(async () => {
    server = await startDemoServer(build, { nodes: cluster.seeds, adminPassword: ADMIN_PASSWORD });
    http = request(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  // Codes and client ids are unique per server, so the two servers' runs never meet in the shared cluster.
  const code = (name: string) => `${flavour}-${name}`;
  let clients = 0;
  const clientId = () => `${flavour}-client-${++clients}`;
  const create = (body: object, client = clientId()) =>
    http.post('/links').set('x-client-id', client).send(body);
  /** Waits until a new link can be read back: reads go to a replica, which applies the write a moment later. */
  const visible = (name: string) =>
    eventually(
      async () => (await http.get(`/links/${name}/info`)).status === 200,
      `link ${name} to be readable`,
    );

  describe('POST /links', () => {
    it('creates a link (201) and refuses the same code again (409)', async () => {
      const created = await create({ url: 'https://example.com/a', code: code('first') }).expect(201);
      expect(created.headers['content-type']).toMatch(/^application\/json/);
      expect(created.body).toEqual({
        code: code('first'),
        url: 'https://example.com/a',
        clicks: 0,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(Number(created.headers['x-ratelimit-remaining'])).toBe(RATE_LIMIT_MAX - 1);

      const taken = await create({ url: 'https://example.com/other', code: code('first') }).expect(409);
      expect(taken.body).toEqual({
        error: 'conflict',
        field: 'code',
        message: `code '${code('first')}' is taken`,
      });
      // The first link is untouched.
      await visible(code('first'));
      const info = await http.get(`/links/${code('first')}/info`).expect(200);
      expect(info.body.url).toBe('https://example.com/a');
    });

    it('makes up a code when none is given', async () => {
      const created = await create({ url: 'http://example.org/' }).expect(201);
      expect(created.body.code).toMatch(/^[A-Za-z0-9_-]{3,32}$/);
      await visible(created.body.code);
      await http.get(`/links/${created.body.code}`).expect(302).expect('location', 'http://example.org/');
    });

    it('writes a link in one WATCH + MULTI transaction on its own slot (hash tag {code})', async () => {
      const name = code('tx');
      const keys = [linkKey(name), clicksKey(name), createdKey(name)];
      const slots = await Promise.all(keys.map((key) => slotOf(cluster, key)));
      expect(new Set(slots).size).toBe(1);
      const owner = await primaryOf(cluster, keys[0]!);
      const before = await Promise.all(
        ['watch', 'multi', 'exec'].map((c) => commandCalls(cluster, owner, c)),
      );

      await create({ url: 'https://example.com/tx', code: name }).expect(201);

      // The three keys exist together, on the primary that owns the slot, and were written by one EXEC there.
      expect(await cluster.admin(owner, 'EXISTS', ...keys)).toBe(3);
      expect(await cluster.admin(owner, 'GET', keys[0]!)).toBe('https://example.com/tx');
      expect(await cluster.admin(owner, 'GET', keys[1]!)).toBe('0');
      const after = await Promise.all(['watch', 'multi', 'exec'].map((c) => commandCalls(cluster, owner, c)));
      after.forEach((calls, index) => {
        expect(calls).toBeGreaterThan(before[index]!);
      });
    });

    it('lets exactly one of many concurrent creates of one code win', async () => {
      const client = clientId();
      const replies = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          create({ url: `https://example.com/race/${i}`, code: code('race') }, client),
        ),
      );
      const statuses = replies.map((reply) => reply.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
      const winner = replies.find((reply) => reply.status === 201)!;
      await visible(code('race'));
      const info = await http.get(`/links/${code('race')}/info`).expect(200);
      expect(info.body.url).toBe(winner.body.url);
    });
  });

  describe(`the rate limit (${flavour === 'nestjs' ? '@nestjs/throttler' : '@fastify/rate-limit'}, a Lua script by its SHA1)`, () => {
    it('answers 429 to the 21st create from one x-client-id within the window', async () => {
      const client = clientId();
      const counter = rateLimitCounterKey(flavour, client);
      const owner = await primaryOf(cluster, counter);
      const evalshaBefore = await commandCalls(cluster, owner, 'evalsha');

      for (let i = 1; i <= RATE_LIMIT_MAX; i++) {
        const reply = await create({ url: `https://example.com/rl/${i}` }, client).expect(201);
        expect(reply.headers['x-ratelimit-remaining']).toBe(String(RATE_LIMIT_MAX - i));
      }
      const limited = await create({ url: 'https://example.com/rl/21' }, client).expect(429);
      expect(limited.headers['x-ratelimit-remaining']).toBe('0');
      expect(limited.body).toEqual({ error: 'rate_limited', retryAfterMs: expect.any(Number) });
      expect(limited.body.retryAfterMs).toBeGreaterThan(0);

      // Another client is not affected.
      await create({ url: 'https://example.com/rl/other' }).expect(201);
      // The counter lives on the primary owning the client's key; the script ran there by its SHA1.
      expect(Number(await cluster.admin(owner, 'GET', counter))).toBe(RATE_LIMIT_MAX + 1);
      expect(await commandCalls(cluster, owner, 'evalsha')).toBeGreaterThanOrEqual(
        evalshaBefore + RATE_LIMIT_MAX,
      );
    });
  });

  describe('the link cache (cache-manager on @keyslot/keyv)', () => {
    it("keeps a link's URL and creation time in the cache, on the link's own shard, and its clicks live", async () => {
      const name = code('cached');
      await create({ url: 'https://example.com/cached', code: name }).expect(201);
      await visible(name);
      const cacheKey = `${LINK_CACHE_NAMESPACE}:${infoCacheKey(name)}`;
      const owner = await primaryOf(cluster, linkKey(name));
      expect((await primaryOf(cluster, cacheKey)).address).toBe(owner.address);
      const entry = JSON.parse(String(await cluster.admin(owner, 'GET', cacheKey)));
      expect(entry.value).toEqual({ url: 'https://example.com/cached', createdAt: expect.any(String) });
      const pttl = Number(await cluster.admin(owner, 'PTTL', cacheKey));
      expect(pttl).toBeGreaterThan(9 * 60_000);
      expect(pttl).toBeLessThanOrEqual(10 * 60_000);

      // The info route answers from the cache: with the link's own keys gone, the URL is still the cached one,
      // while the click count is read live.
      await cluster.admin(owner, 'DEL', linkKey(name), createdKey(name));
      await cluster.admin(owner, 'SET', clicksKey(name), '7');
      await eventually(async () => {
        const info = await http.get(`/links/${name}/info`).expect(200);
        return info.body.clicks === 7 && info.body.url === 'https://example.com/cached';
      }, 'the info route to show the cached URL with the live clicks');
    });
  });

  describe('the admin page (@fastify/session on @keyslot/session)', () => {
    const sessionCookie = (reply: request.Response) =>
      String([reply.headers['set-cookie']].flat().find((c) => String(c).startsWith('demo_session='))).split(
        ';',
      )[0]!;

    it('signs in with the password into a session kept in the cluster, and out again', async () => {
      const before = await keysStartingWith(cluster, SESSION_PREFIX);
      const anonymous = await http.get('/admin').expect(401);
      expect(anonymous.headers['content-type']).toMatch(/^text\/html/);
      expect(anonymous.text).toContain('sign in');
      const wrong = await http.post('/admin/login').send({ password: 'guess' }).expect(401);
      expect(wrong.body).toEqual({ error: 'unauthorized', message: 'wrong password' });
      await http.post('/admin/login').send({}).expect(400);
      // Neither the anonymous visit nor the failed sign-ins stored a session.
      expect(await keysStartingWith(cluster, SESSION_PREFIX)).toEqual(before);

      const login = await http.post('/admin/login').send({ password: ADMIN_PASSWORD }).expect(200);
      expect(login.body).toEqual({ signedIn: true, since: expect.any(String) });
      const cookie = sessionCookie(login);
      const created = (await keysStartingWith(cluster, SESSION_PREFIX)).filter(
        (key) => !before.includes(key),
      );
      expect(created).toHaveLength(1);
      const page = await http.get('/admin').set('cookie', cookie).expect(200);
      expect(page.text).toContain(`Signed in since ${login.body.since}`);
      expect(page.text).toContain('16384 of 16384 slots served');

      await http.post('/admin/logout').set('cookie', cookie).expect(200, { signedIn: false });
      expect(await keysStartingWith(cluster, SESSION_PREFIX)).toEqual(before);
      await http.get('/admin').set('cookie', cookie).expect(401);
    });
  });

  describe('GET /links/:code', () => {
    it('redirects (302 with Location) and counts each click', async () => {
      await create({ url: 'https://example.com/resolve?q=1', code: code('resolve') }).expect(201);
      await visible(code('resolve'));
      for (let i = 0; i < 3; i++) {
        await http
          .get(`/links/${code('resolve')}`)
          .expect(302)
          .expect('location', 'https://example.com/resolve?q=1');
      }
      await eventually(async () => {
        const info = await http.get(`/links/${code('resolve')}/info`).expect(200);
        return info.body.clicks === 3;
      }, 'the info route to show 3 clicks');
      const info = await http.get(`/links/${code('resolve')}/info`).expect(200);
      expect(info.body).toEqual({
        code: code('resolve'),
        url: 'https://example.com/resolve?q=1',
        clicks: 3,
        createdAt: expect.any(String),
      });
    });

    it('resolves through the client-side cache: repeated resolves are hits, counted on GET /cluster', async () => {
      await create({ url: 'https://example.com/cached', code: code('cached') }).expect(201);
      await visible(code('cached'));
      const before = (await http.get('/cluster').expect(200)).body.cache;
      for (let i = 0; i < 5; i++) {
        await http
          .get(`/links/${code('cached')}`)
          .expect(302)
          .expect('location', 'https://example.com/cached');
      }
      const after = (await http.get('/cluster').expect(200)).body.cache;
      expect(after).toEqual({
        hits: expect.any(Number),
        misses: expect.any(Number),
        evictions: expect.any(Number),
        invalidations: expect.any(Number),
        entries: expect.any(Number),
        bytes: expect.any(Number),
      });
      // At most the first resolve misses: the URL is read from memory afterwards.
      expect(after.hits - before.hits).toBeGreaterThanOrEqual(4);
    });

    it('answers 404 for an unknown code, on both routes', async () => {
      const missing = await http.get(`/links/${code('missing')}`).expect(404);
      expect(missing.body).toEqual({ error: 'not_found', message: `no link with code '${code('missing')}'` });
      const info = await http.get(`/links/${code('missing')}/info`).expect(404);
      expect(info.body).toEqual(missing.body);
    });
  });

  describe('POST /links/lookup', () => {
    it('finds many links in one MGET whose keys span every primary', async () => {
      const names = Array.from({ length: 12 }, (_, i) => code(`bulk-${i}`));
      for (const name of names) await create({ url: `https://example.com/${name}`, code: name }).expect(201);
      for (const name of names) await visible(name);
      const owners = new Set(
        await Promise.all(names.map(async (name) => (await primaryOf(cluster, linkKey(name))).address)),
      );
      expect(owners.size).toBe(3);

      const codes = [...names, code('bulk-unknown')];
      const reply = await http.post('/links/lookup').send({ codes }).expect(200);
      expect(Object.keys(reply.body.links)).toEqual(codes);
      expect(reply.body.links).toEqual(
        Object.fromEntries([
          ...names.map((name) => [name, `https://example.com/${name}`]),
          [code('bulk-unknown'), null],
        ]),
      );
    });
  });

  describe('GET /leaderboard', () => {
    it('lists the most clicked links first', async () => {
      const clicks = { gold: 6, silver: 4, bronze: 2 };
      for (const [name, times] of Object.entries(clicks)) {
        await create({ url: `https://example.com/${name}`, code: code(name) }).expect(201);
        await visible(code(name));
        for (let i = 0; i < times; i++) await http.get(`/links/${code(name)}`).expect(302);
      }
      type Entry = { code: string; clicks: number };
      let top: Entry[] = [];
      await eventually(async () => {
        top = (await http.get('/leaderboard').query({ limit: 100 }).expect(200)).body.top;
        return top.find((entry) => entry.code === code('bronze'))?.clicks === 2;
      }, 'the leaderboard to show the clicks');
      // Sorted by clicks, highest first; ours in the order of their clicks.
      const counts = top.map((entry) => entry.clicks);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
      const ours = top.filter((entry) => Object.keys(clicks).some((name) => entry.code === code(name)));
      expect(ours).toEqual([
        { code: code('gold'), clicks: 6 },
        { code: code('silver'), clicks: 4 },
        { code: code('bronze'), clicks: 2 },
      ]);

      const two = await http.get('/leaderboard?limit=2').expect(200);
      expect(two.body.top).toHaveLength(2);
      const ten = await http.get('/leaderboard').expect(200);
      expect(ten.body.top.length).toBeLessThanOrEqual(10);
      expect(ten.body.top[0].clicks).toBeGreaterThanOrEqual(6);
    });
  });

  describe('GET /cluster and GET /health', () => {
    it('shows the topology (6 nodes, 16384 slots) and the connection counters', async () => {
      const reply = await http.get('/cluster').expect(200);
      const { topology, stats } = reply.body;
      expect(topology.coveredSlots).toBe(16_384);
      expect(topology.nodes).toHaveLength(6);
      const primaries = topology.nodes.filter((node: { role: string }) => node.role === 'primary');
      const replicas = topology.nodes.filter((node: { role: string }) => node.role === 'replica');
      expect(primaries).toHaveLength(3);
      expect(replicas).toHaveLength(3);
      expect(topology.nodes.map((node: { address: string }) => node.address).sort()).toEqual(
        cluster.nodes.map((node) => node.address).sort(),
      );
      const served = primaries
        .flatMap((node: { slots: [number, number][] }) => node.slots)
        .reduce((sum: number, [from, to]: [number, number]) => sum + to - from + 1, 0);
      expect(served).toBe(16_384);
      for (const replica of replicas) {
        expect(primaries.map((node: { address: string }) => node.address)).toContain(replica.primary);
      }
      expect(topology.nodes[0]).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          connected: expect.any(Boolean),
          commands: expect.any(Number),
          pending: expect.any(Number),
        }),
      );
      expect(stats).toEqual({
        commands: expect.any(Number),
        redirects: expect.any(Number),
        retries: expect.any(Number),
        reconnects: expect.any(Number),
        disconnects: expect.any(Number),
        refreshes: expect.any(Number),
        dials: expect.any(Number),
        pending: expect.any(Number),
      });
      expect(stats.commands).toBeGreaterThan(0);
    });

    it('reports the cluster up', async () => {
      const reply = await http.get('/health').expect(200);
      expect(reply.body).toEqual({ status: 'up', coveredSlots: 16_384, primaries: 3 });
    });

    it('gives latency percentiles per node that answered, from the commands the routes sent', async () => {
      await create({ url: 'https://example.com/latency', code: code('latency') }).expect(201);
      const { latency, topology } = (await http.get('/cluster').expect(200)).body;
      const addresses = topology.nodes.map((node: { address: string }) => node.address);
      const measured = Object.keys(latency);
      expect(measured.length).toBeGreaterThan(0);
      for (const address of measured) {
        expect(addresses).toContain(address);
        const { p50, p90, p99, count } = latency[address];
        expect(count).toBeGreaterThan(0);
        expect(0 < p50 && p50 <= p90 && p90 <= p99).toBe(true);
      }
    });
  });

  describe('GET /metrics (OpenTelemetry, Prometheus text format)', () => {
    it('exports command durations per operation and node, pending commands per node and topology refreshes', async () => {
      await create({ url: 'https://example.com/metrics', code: code('metrics') }).expect(201);
      await visible(code('metrics'));
      const reply = await http.get('/metrics').expect(200);
      expect(reply.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const lines = reply.text.split('\n');
      const series = (name: string, ...labels: string[]) =>
        lines.filter((line) => line.startsWith(`${name}{`) && labels.every((label) => line.includes(label)));
      const ports = cluster.nodes.map((node) => `server_port="${node.port}"`);
      const gets = series('db_client_operation_duration_count', 'db_operation_name="GET"');
      expect(gets.length).toBeGreaterThan(0);
      for (const line of gets) expect(ports.some((port) => line.includes(port))).toBe(true);
      expect(series('keyslot_client_pending_commands', 'server_address="127.0.0.1"').length).toBeGreaterThan(
        0,
      );
      const refreshes = series(
        'keyslot_client_topology_refreshes_total',
        'keyslot_topology_outcome="changed"',
      );
      expect(refreshes.map((line) => Number(line.split(' ').at(-1)))).toEqual([expect.any(Number)]);
      expect(Number(refreshes[0]!.split(' ').at(-1))).toBeGreaterThan(0);
    });
  });

  describe('bad input', () => {
    const badRequest = (field: string) => ({
      error: 'bad_request',
      field,
      message: expect.stringContaining(field.replace(/\[\d+\]$/, '')),
    });

    it.each([
      ['a url that is not a URL', { url: 'not a url' }, 'url'],
      ['a url that is not http(s)', { url: 'ftp://example.com/file' }, 'url'],
      ['a url that is not a string', { url: 42 }, 'url'],
      ['no url', { code: 'abcdef' }, 'url'],
      ['a code with bad characters', { url: 'https://example.com/', code: 'no spaces' }, 'code'],
      ['a code too short', { url: 'https://example.com/', code: 'ab' }, 'code'],
      ['a body that is not an object', [1, 2], 'url'],
    ])('POST /links with %s: 400 naming the field', async (_case, body, field) => {
      const reply = await create(body).expect(400);
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      expect(reply.body).toEqual(badRequest(field));
    });

    it.each([
      ['invalid JSON', '{"url": "https://example.com/", '],
      ['an empty JSON body', ''],
      ['a prototype-poisoning body', '{"url": "https://example.com/", "__proto__": {"admin": true}}'],
    ])('POST /links with %s: 400 naming the body', async (_case, raw) => {
      const reply = await http
        .post('/links')
        .set('x-client-id', clientId())
        .set('content-type', 'application/json')
        .send(raw)
        .expect(400);
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      expect(reply.body).toEqual(badRequest('body'));
    });

    it('POST /links with no body: 400 naming the body', async () => {
      const reply = await http.post('/links').set('x-client-id', clientId()).expect(400);
      expect(reply.body).toEqual(badRequest('body'));
    });

    it('POST /links with an x-client-id that is too long: 400 naming the header', async () => {
      const reply = await create({ url: 'https://example.com/' }, 'x'.repeat(65)).expect(400);
      expect(reply.body).toEqual(badRequest('x-client-id'));
    });

    it.each([
      ['/links/ab', 'code'],
      ['/links/ab/info', 'code'],
      [`/links/${'x'.repeat(33)}`, 'code'],
      ['/links/bad.code/info', 'code'],
      ['/leaderboard?limit=0', 'limit'],
      ['/leaderboard?limit=101', 'limit'],
      ['/leaderboard?limit=2.5', 'limit'],
      ['/leaderboard?limit=ten', 'limit'],
    ])('GET %s: 400 naming %s', async (path, field) => {
      const reply = await http.get(path).expect(400);
      expect(reply.body).toEqual(badRequest(field));
    });

    it.each([
      ['codes that are not an array', { codes: 'abc' }, 'codes'],
      ['no codes', {}, 'codes'],
      ['an empty list', { codes: [] }, 'codes'],
      ['too many codes', { codes: Array.from({ length: 101 }, (_, i) => `code-${i}`) }, 'codes'],
      ['a bad code in the list', { codes: ['good-code', 'x'] }, 'codes[1]'],
    ])('POST /links/lookup with %s: 400 naming the field', async (_case, body, field) => {
      const reply = await http.post('/links/lookup').send(body).expect(400);
      expect(reply.body).toEqual(badRequest(field));
    });

    it('POST /links/lookup with invalid JSON: 400 naming the body', async () => {
      const reply = await http
        .post('/links/lookup')
        .set('content-type', 'application/json')
        .send('{')
        .expect(400);
      expect(reply.body).toEqual(badRequest('body'));
    });

    it('POST /links with a content type it does not take: 415 in the same format', async () => {
      const reply = await http
        .post('/links')
        .set('x-client-id', clientId())
        .set('content-type', 'application/xml')
        .send('<link/>')
        .expect(415);
      expect(reply.body).toEqual({ error: 'unsupported_media_type', message: expect.any(String) });
    });

    it('an unknown route: 404 in the same format', async () => {
      const reply = await http.get('/no/such/route').expect(404);
      expect(reply.body).toEqual({ error: 'not_found', message: expect.stringContaining('/no/such/route') });
    });
  });

  describe('an unavailable cluster', () => {
    it('answers 503 with a clear message once every node is gone', async () => {
      // Its own small cluster, stopped under a running server; the shared cluster is untouched.
      const doomed = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
      let down: DemoServer | undefined;
      try {
        down = await startDemoServer(build, {
          nodes: doomed.seeds,
          connection: { readFrom: 'preferReplica', connectTimeoutMs: 500, commandTimeoutMs: 500 },
        });
        const downHttp = request(down.url);
        await downHttp
          .post('/links')
          .set('x-client-id', 'before')
          .send({ url: 'https://example.com/', code: 'alive' })
          .expect(201);
        await doomed.stop();

        const unavailable = {
          error: 'cluster_unavailable',
          code: expect.stringMatching(/^ERR_KEYSLOT_/),
          message: expect.stringMatching(/^the Redis cluster cannot serve this request now: /),
        };
        // Every route that needs the cluster answers 503 in the API's error format, naming the cause.
        const replies = await Promise.all([
          downHttp.get('/links/alive/info'),
          downHttp.get('/links/alive'),
          downHttp.post('/links').set('x-client-id', 'after').send({ url: 'https://example.com/' }),
          downHttp.post('/links/lookup').send({ codes: ['alive', 'other'] }),
          downHttp.get('/leaderboard'),
        ]);
        for (const reply of replies) {
          expect({ status: reply.status, body: reply.body }).toEqual({ status: 503, body: unavailable });
        }
        const health = await downHttp.get('/health').expect(503);
        expect(health.body).toMatchObject({ status: 'down', reason: expect.any(String) });
        // Bad input is still bad input.
        await downHttp.get('/links/ab').expect(400);
      } finally {
        await down?.close();
        await doomed.stop();
      }
    });
  });
});
