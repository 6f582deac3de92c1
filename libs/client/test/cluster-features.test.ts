// Deadlines, retry safety and the pending limit; pipelines, transactions, WATCH and blocking commands; scripts;
// introspection; close and destroy. One real 3+3 cluster shared by the file (the faults here are short pauses and
// cut connections that heal before the next test).
import { type DevCluster, type DevClusterNode, findFreePort, TcpProxy } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClosedError,
  ClusterClient,
  type ClusterConnection,
  CrossSlotError,
  defineScript,
  OutcomeUnknownError,
  QueueFullError,
  ReplyError,
  SLOT_COUNT,
  TimeoutError,
} from '../src/index.js';
import { callsOf, keysInSlot, settle, slotOf, spreadKeys, tagOn, timed } from './cluster-helpers.js';
import { onServer } from './support/server.js';
import { withCluster } from './support/with-cluster.js';

let cluster: DevCluster;
let conn: ClusterConnection;
withCluster((started) => ({ cluster, conn } = started));

/** Pauses a node (SIGSTOP) for the duration of `work`, well below the 2 s node timeout. */
async function whilePaused<T>(node: DevClusterNode, work: () => Promise<T>): Promise<T> {
  await cluster.pause(node);
  try {
    return await work();
  } finally {
    await cluster.resume(node);
  }
}

describe(onServer('5. deadlines, retry safety and the pending limit'), () => {
  it('rejects at the deadline with a timeout naming the command and the node, never the arguments', async () => {
    await cluster.refresh();
    const node = cluster.primaries[0]!;
    const key = `${tagOn(cluster, node, 'secret')}:password-123`;
    const quick = await new ClusterClient(cluster.seeds).getConnection({ commandTimeoutMs: 300 });
    try {
      await quick.get(key); // connected before the pause
      const outcome = await whilePaused(node, () => timed(() => settle(quick.set(key, 'hunter2'))));
      expect(outcome.value.ok).toBe(false);
      if (outcome.value.ok) return;
      const error = outcome.value.error;
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.message).toContain('SET');
      expect(error.message).toContain(node.address);
      expect(error.message).not.toContain('password-123');
      expect(error.message).not.toContain('hunter2');
      expect(outcome.ms).toBeGreaterThanOrEqual(250);
      expect(outcome.ms).toBeLessThan(1000);
    } finally {
      quick.destroy();
    }
  });

  it('gives a blocking command a deadline of its own timeout plus the command timeout', async () => {
    await cluster.refresh();
    const node = cluster.primaries[1]!;
    const key = `${tagOn(cluster, node, 'block')}:list`;
    const quick = await new ClusterClient(cluster.seeds).getConnection({ commandTimeoutMs: 300 });
    try {
      const empty = await timed(() => quick.blpop(key, 0.4));
      expect(empty.value).toBeNull();
      expect(empty.ms).toBeGreaterThanOrEqual(350);
      const stalled = await whilePaused(node, () => timed(() => settle(quick.blpop(key, 0.2))));
      expect(stalled.value.ok).toBe(false);
      if (!stalled.value.ok) expect(stalled.value.error).toBeInstanceOf(TimeoutError);
      expect(stalled.ms).toBeLessThan(1200);
      // Two at once: the second needs a new dedicated connection, whose connecting the deadline covers too.
      const both = await whilePaused(node, () =>
        timed(() => Promise.all([settle(quick.blpop(key, 0.2)), settle(quick.blpop(key, 0.2))])),
      );
      expect(both.value.every((o) => !o.ok && o.error instanceof TimeoutError)).toBe(true);
      expect(both.ms).toBeLessThan(1200);
    } finally {
      quick.destroy();
    }
  });

  it('fails fast with QueueFullError past maxPending (per node, and while the topology is unknown)', async () => {
    await cluster.refresh();
    const node = cluster.primaries[2]!;
    const tag = tagOn(cluster, node, 'full');
    const small = await new ClusterClient(cluster.seeds).getConnection({ maxPending: 10 });
    try {
      await small.set(`${tag}:k`, 'v');
      const results = await whilePaused(node, async () => {
        const pending = Array.from({ length: 30 }, () => settle(small.get(`${tag}:k`)));
        // The refused ones are settled already, while the node is still paused.
        const early = await Promise.race([
          Promise.all(pending.slice(10)),
          new Promise((r) => setTimeout(r, 200, 'late')),
        ]);
        expect(early).not.toBe('late');
        expect(small.stats().pending).toBeLessThanOrEqual(10);
        return pending;
      });
      const outcomes = await Promise.all(results);
      const refused = outcomes.filter((o) => !o.ok);
      expect(refused).toHaveLength(20);
      for (const o of refused) {
        if (o.ok) continue;
        expect(o.error).toBeInstanceOf(QueueFullError);
        expect(o.error.message).toMatch(/GET rejected: 10 commands are already (waiting|pending)/);
      }
      expect(outcomes.filter((o) => o.ok && o.value === 'v')).toHaveLength(10);
    } finally {
      small.destroy();
    }

    // No topology yet (nothing listens at the seed): commands wait for it, up to maxPending of them.
    const nowhere = new ClusterClient(`127.0.0.1:${await findFreePort()}`).createConnection({
      maxPending: 5,
      commandTimeoutMs: 400,
    });
    try {
      const outcomes = Array.from({ length: 8 }, () => settle(nowhere.get('k')));
      const settled = await Promise.all(outcomes);
      const full = settled.filter((o) => !o.ok && o.error instanceof QueueFullError);
      const timedOut = settled.filter((o) => !o.ok && o.error instanceof TimeoutError);
      expect(full).toHaveLength(3);
      expect(timedOut).toHaveLength(5);
      expect(nowhere.stats().pending).toBe(0);
    } finally {
      nowhere.destroy();
    }
  });

  describe('a write whose reply is lost', () => {
    let proxies: Map<number, TcpProxy>;
    beforeAll(async () => {
      proxies = new Map();
      for (const node of cluster.nodes) proxies.set(node.port, await TcpProxy.start(node));
    });
    afterAll(async () => {
      for (const proxy of proxies.values()) await proxy.close();
    });
    const viaProxies = (retryWrites: boolean) =>
      new ClusterClient(cluster.seeds, {
        natMap: ({ port }) => ({ host: '127.0.0.1', port: proxies.get(port)?.port ?? port }),
      }).getConnection({ retryWrites, commandTimeoutMs: 5000 });

    /** Sends `run` through the proxy of the key's node, lets the server execute it, then cuts the connection. */
    async function loseReply<T>(key: string, run: () => Promise<T>, ran: () => Promise<boolean>) {
      await cluster.refresh();
      const proxy = proxies.get(cluster.ownerOf(slotOf(key))!.port)!;
      proxy.swallowReplies();
      const pending = settle(run());
      await cluster.waitFor(ran, { timeoutMs: 5000, message: 'the server to run the command' });
      // The reply is lost with the connection: cut before forwarding again, in the same turn, so that a reply the
      // proxy has not read yet cannot slip through.
      proxy.cut();
      proxy.restore();
      return pending;
    }

    it('is not re-sent: it fails with OutcomeUnknownError, and ran exactly once', async () => {
      const safe = await viaProxies(false);
      try {
        const key = 'unknown:counter';
        await safe.del(key);
        const owner = () => cluster.ownerOf(slotOf(key))!;
        const outcome = await loseReply(
          key,
          () => safe.incr(key),
          async () => String(await cluster.admin(owner(), 'GET', key)) === '1',
        );
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) {
          expect(outcome.error).toBeInstanceOf(OutcomeUnknownError);
          expect(outcome.error.message).toContain('INCR');
          expect(outcome.error.message).toMatch(/may or may not have run/);
          expect(outcome.error.message).not.toContain(key);
        }
        // Served again through a new connection; the INCR ran once.
        expect(await safe.get(key)).toBe('1');

        // A read in the same situation is simply retried.
        const read = await loseReply(
          key,
          () => safe.get(key),
          async () => (await callsOf(cluster, owner(), 'get')) > 0,
        );
        expect(read).toEqual({ ok: true, value: '1' });
      } finally {
        safe.destroy();
      }
    });

    it('a read fanned out to every primary (DBSIZE) is re-sent on the node whose reply was lost', async () => {
      const safe = await viaProxies(false);
      try {
        const key = 'unknown:fan-out';
        await safe.set(key, 'x');
        const owner = () => cluster.ownerOf(slotOf(key))!;
        const expected = await conn.dbsize();
        const before = await callsOf(cluster, owner(), 'dbsize');
        const outcome = await loseReply(
          key,
          () => safe.dbsize(),
          async () => (await callsOf(cluster, owner(), 'dbsize')) > before,
        );
        expect(outcome).toEqual({ ok: true, value: expected });
        expect(await callsOf(cluster, owner(), 'dbsize')).toBe(before + 2); // run twice, harmlessly
      } finally {
        safe.destroy();
      }
    });

    it('is re-sent only with retryWrites (and may then run twice, as documented)', async () => {
      const risky = await viaProxies(true);
      try {
        const key = 'unknown:retried';
        await risky.del(key);
        const owner = () => cluster.ownerOf(slotOf(key))!;
        const outcome = await loseReply(
          key,
          () => risky.incr(key),
          async () => String(await cluster.admin(owner(), 'GET', key)) === '1',
        );
        expect(outcome).toEqual({ ok: true, value: 2 });
        expect(await risky.get(key)).toBe('2');
      } finally {
        risky.destroy();
      }
    });
  });
});

describe(onServer('8. pipelines, transactions, WATCH and blocking commands'), () => {
  it('runs a batch over any keys: results in order, failures per command', async () => {
    const keys = spreadKeys(100, 'batch:');
    await conn.set('batch:text', 'not a number');
    const batch = conn.batch();
    const own: Promise<unknown>[] = [];
    for (const key of keys) own.push(batch.set(key, key));
    for (const key of keys) own.push(batch.get(key));
    own.push(batch.incr('batch:text'));
    for (const key of keys) own.push(batch.incr(`${key}:n`));
    expect(batch.length).toBe(301);
    const results = await batch.exec();
    expect(results.slice(0, 100).every((r) => r.status === 'fulfilled' && r.value === 'OK')).toBe(true);
    expect(results.slice(100, 200).map((r) => (r.status === 'fulfilled' ? r.value : r.reason))).toEqual(keys);
    const failed = results[200]!;
    expect(failed.status).toBe('rejected');
    if (failed.status === 'rejected') {
      expect(failed.reason).toBeInstanceOf(ReplyError);
      expect((failed.reason as ReplyError).prefix).toBe('ERR');
    }
    expect(results.slice(201).every((r) => r.status === 'fulfilled' && r.value === 1)).toBe(true);
    await expect(own[200]).rejects.toBeInstanceOf(ReplyError);
    expect(await own[150]).toBe(keys[50]);
  });

  it('follows redirects inside batches while slots move', async () => {
    await cluster.refresh();
    const [from, to] = [cluster.primaries[0]!, cluster.primaries[1]!];
    const [start] = from.slots[0]!;
    const slots = Array.from({ length: 30 }, (_, i) => start + 200 + i);
    const keys = slots.flatMap((slot) => keysInSlot(slot, 3, 'bmove'));
    await conn.mset(Object.fromEntries(keys.map((key) => [key, '0'])));
    const redirectsBefore = conn.stats().redirects;
    let moving = true;
    const move = cluster.moveSlots(slots, to).finally(() => {
      moving = false;
    });
    let round = 0;
    const failures: unknown[] = [];
    do {
      round++;
      const batch = conn.batch();
      for (const key of keys) batch.set(key, String(round));
      for (const key of keys) batch.get(key);
      const results = await batch.exec();
      for (const r of results) if (r.status === 'rejected') failures.push(r.reason);
      const reads = results.slice(keys.length);
      for (const r of reads) if (r.status === 'fulfilled') expect(r.value).toBe(String(round));
    } while (moving);
    await move;
    expect(failures).toEqual([]);
    expect(round).toBeGreaterThan(1);
    expect(conn.stats().redirects).toBeGreaterThan(redirectsBefore);
    for (const key of keys.slice(0, 5)) expect(await cluster.admin(to, 'GET', key)).toBe(String(round));
  });

  it('runs a one-slot transaction; a cross-slot one fails before anything is sent', async () => {
    const tx = conn.multi();
    tx.set('{order42}:items', '3');
    tx.incrby('{order42}:total', 7);
    tx.get('{order42}:items');
    expect(await tx.exec()).toEqual(['OK', 7, '3']);

    await cluster.refresh();
    const before = await Promise.all(cluster.primaries.map((node) => callsOf(cluster, node, 'multi')));
    const cross = conn.multi();
    cross.set('order:a', '1');
    cross.set('order:b', '2');
    const outcome = await settle(cross.exec());
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error).toBeInstanceOf(CrossSlotError);
      expect(outcome.error.message).toContain(String(slotOf('order:a')));
      expect(outcome.error.message).toContain(String(slotOf('order:b')));
      expect(outcome.error.message).toMatch(/hash tag/);
    }
    const after = await Promise.all(cluster.primaries.map((node) => callsOf(cluster, node, 'multi')));
    expect(after).toEqual(before);
    expect(await conn.exists(['order:a', 'order:b'])).toBe(0);
  });

  it('runs WATCH transactions on a dedicated connection, aborting when a watched key changes', async () => {
    await conn.set('{w}balance', '10');
    await cluster.refresh();
    const owner = cluster.ownerOf(slotOf('{w}balance'))!;
    const sharedId = await conn.onNode(owner.address, { name: 'CLIENT', args: ['ID'] });
    const untouched = await conn.watch(['{w}balance'], async (dedicated) => {
      // Not the connection every caller shares.
      expect(await dedicated.clientId()).not.toBe(sharedId);
      const balance = Number(await dedicated.get('{w}balance'));
      const tx = dedicated.multi();
      tx.set('{w}balance', String(balance - 3));
      return tx.exec();
    });
    expect(untouched).toEqual(['OK']);
    const raced = await conn.watch(['{w}balance'], async (dedicated) => {
      const balance = Number(await dedicated.get('{w}balance'));
      await conn.set('{w}balance', '100'); // someone else, through the shared connection
      const tx = dedicated.multi();
      tx.set('{w}balance', String(balance - 3));
      return tx.exec();
    });
    expect(raced).toBeNull();
    expect(await conn.get('{w}balance')).toBe('100');
    await expect(conn.watch(['{a}x', '{b}y'], async () => 1)).rejects.toBeInstanceOf(CrossSlotError);
    // No key at all: a bad argument, refused before anything is sent.
    await expect(conn.watch([], async () => 1)).rejects.toMatchObject({
      code: 'ERR_KEYSLOT_ARGUMENT',
      message: 'WATCH needs at least one key',
    });
  });

  it('keeps a BLPOP on its own connection while 1,000 other commands flow', async () => {
    await cluster.refresh();
    const key = '{queue}jobs';
    const owner = cluster.ownerOf(slotOf(key))!;
    let popped = false;
    const blocked = conn.blpop(key, 20).then((value) => {
      popped = true;
      return value;
    });
    await cluster.waitFor(
      async () => String(await cluster.admin(owner, 'CLIENT', 'LIST')).includes('cmd=blpop'),
      { timeoutMs: 5000, message: 'the BLPOP to block on the server' },
    );
    // Keys on every node, the BLPOP's node included.
    const keys = [...spreadKeys(500, 'flow:'), ...keysInSlot(slotOf(key), 20, 'same')];
    const flow = await timed(() =>
      Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          i % 2 === 0 ? conn.set(keys[i % keys.length]!, String(i)) : conn.incr(`{queue}n${i}`),
        ),
      ),
    );
    expect(flow.value).toHaveLength(1000);
    expect(flow.ms).toBeLessThan(3000);
    expect(popped).toBe(false);
    await conn.rpush(key, 'job-1');
    expect(await blocked).toEqual({ key, element: 'job-1' });
  });
});

describe(onServer('11. scripts'), () => {
  it('runs EVALSHA, falling back to EVAL on NOSCRIPT, on whichever node the keys route to', async () => {
    await cluster.refresh();
    const script = defineScript(`return redis.call('INCRBY', KEYS[1], ARGV[1]) .. ':${Date.now()}'`, {
      numberOfKeys: 1,
    });
    for (const primary of cluster.primaries) {
      const key = `${tagOn(cluster, primary, 'script')}:n`;
      const [sha0, eval0] = [
        await callsOf(cluster, primary, 'evalsha'),
        await callsOf(cluster, primary, 'eval'),
      ];
      expect(String(await script.run(conn, [key], [5]))).toMatch(/^5:/);
      expect(await callsOf(cluster, primary, 'evalsha')).toBe(sha0 + 1);
      expect(await callsOf(cluster, primary, 'eval')).toBe(eval0 + 1); // NOSCRIPT, then EVAL loaded it
      expect(String(await conn.runScript(script, [key], [1]))).toMatch(/^6:/);
      expect(await callsOf(cluster, primary, 'evalsha')).toBe(sha0 + 2);
      expect(await callsOf(cluster, primary, 'eval')).toBe(eval0 + 1);
    }
    expect(await conn.scriptExists(script.sha1)).toEqual([false]); // loaded on primaries only
    expect(await conn.scriptFlush()).toBe('OK');
    const key = `${tagOn(cluster, cluster.primaries[0]!, 'script')}:n`;
    expect(String(await script.run(conn, [key], [1]))).toMatch(/^7:/);
  });
});

describe(onServer('12. introspection'), () => {
  it('reports topology, stats, and events for topology changes and nodes going down and up', async () => {
    const watched = await new ClusterClient(cluster.seeds).getConnection({
      topologyCheckIntervalMs: 600_000,
    });
    try {
      await cluster.refresh();
      await Promise.all(spreadKeys(30, 'intro:').map((key) => watched.set(key, '1')));
      const snapshot = watched.topology();
      expect(snapshot.coveredSlots).toBe(16384);
      for (const node of snapshot.nodes.filter((n) => n.role === 'primary')) {
        expect(node).toMatchObject({ connected: true, pending: 0 });
        expect(node.commands).toBeGreaterThan(0);
        expect(node.slots.length).toBeGreaterThan(0);
      }
      const stats = watched.stats();
      expect(stats).toMatchObject({ pending: 0 });
      expect(stats.commands).toBeGreaterThanOrEqual(30);
      expect(stats.refreshes).toBeGreaterThanOrEqual(1);

      const events: string[] = [];
      watched.on('topologyChange', () => events.push('topologyChange'));
      watched.on('nodeDown', (address) => events.push(`down ${address}`));
      watched.on('nodeUp', (address) => events.push(`up ${address}`));
      const victim = cluster.primaries[0]!;
      await cluster.admin(victim, 'CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      await cluster.waitFor(() => events.includes(`down ${victim.address}`), {
        timeoutMs: 5000,
        message: 'nodeDown',
      });
      // No command is needed: the connection comes back in the background.
      await cluster.waitFor(() => events.includes(`up ${victim.address}`), {
        timeoutMs: 5000,
        message: 'nodeUp',
      });

      const [slot] = cluster.primaries[1]!.slots[0]!;
      await cluster.moveSlots([slot], cluster.primaries[2]!);
      await watched.get(keysInSlot(slot, 1, 'intro')[0]!); // MOVED: the refresh that follows sees the change
      await cluster.waitFor(() => events.includes('topologyChange'), {
        timeoutMs: 5000,
        message: 'topologyChange',
      });
      const moved = watched.topology().nodes.find((n) => n.address === cluster.primaries[2]!.address)!;
      expect(moved.slots.some(([a, b]) => a <= slot && slot <= b)).toBe(true);
    } finally {
      await watched.close();
    }
  });
});

describe(onServer('13. close and destroy'), () => {
  async function slowNodeCommands(target: ClusterConnection) {
    await cluster.refresh();
    const node = cluster.primaries[0]!;
    const tag = tagOn(cluster, node, 'slow');
    await target.set(`${tag}:k`, 'v');
    const sleeping = target.onNode(node.address, { name: 'DEBUG', args: ['SLEEP', '0.3'] });
    const reads = Array.from({ length: 50 }, () => target.get(`${tag}:k`));
    return [sleeping, ...reads].map((p) => settle(p));
  }

  it('close() lets in-flight commands finish; then every command rejects at once', async () => {
    const closing = await new ClusterClient(cluster.seeds).getConnection();
    const inflight = await slowNodeCommands(closing);
    const closed = await timed(() => closing.close());
    expect(closed.ms).toBeGreaterThanOrEqual(150);
    const outcomes = await Promise.all(inflight);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(closing.isOpen).toBe(false);
    const after = await timed(() => settle(closing.get('k')));
    expect(after.ms).toBeLessThan(50);
    expect(after.value.ok === false && after.value.error).toBeInstanceOf(ClosedError);
  });

  it('destroy() fails in-flight commands now; then every command rejects at once', async () => {
    const doomed = await new ClusterClient(cluster.seeds).getConnection();
    const inflight = await slowNodeCommands(doomed);
    const destroyed = performance.now();
    doomed.destroy();
    const outcomes = await Promise.all(inflight);
    expect(performance.now() - destroyed).toBeLessThan(150);
    expect(outcomes.every((o) => !o.ok && o.error instanceof ClosedError)).toBe(true);
    for (const command of [doomed.get('k'), doomed.mget('a', 'b'), doomed.dbsize(), doomed.blpop('l', 1)]) {
      await expect(command).rejects.toBeInstanceOf(ClosedError);
    }
    const batch = doomed.batch();
    batch.get('k');
    const [result] = await batch.exec();
    expect(result?.status === 'rejected' && result.reason).toBeInstanceOf(ClosedError);
  });

  it.each(['close', 'destroy'] as const)(
    '%s() settles at once the commands that wait for their node or for the topology',
    async (how) => {
      await cluster.refresh();
      const proxies = new Map<number, TcpProxy>();
      for (const node of cluster.nodes) proxies.set(node.port, await TcpProxy.start(node));
      try {
        const cut = await new ClusterClient(cluster.seeds, {
          natMap: ({ port }) => ({ host: '127.0.0.1', port: proxies.get(port)?.port ?? port }),
        }).getConnection({ commandTimeoutMs: 30_000 });
        await cut.get('warm');
        for (const proxy of proxies.values()) {
          proxy.refuseNewConnections();
          proxy.cut();
        }
        // Every node refuses: the commands wait for their node, which keeps trying to reconnect (and the deadline is
        // far away).
        const dials = cut.stats().dials;
        const waiting = spreadKeys(30, 'cut:').map((key) => settle(cut.get(key)));
        await cluster.waitFor(() => cut.stats().pending === 30 && cut.stats().dials > dials + 3, {
          timeoutMs: 5000,
          message: 'the commands to wait while the nodes are dialled again',
        });
        const ended = await timed(async () => {
          if (how === 'close') await cut.close();
          else cut.destroy();
          return Promise.all(waiting);
        });
        expect(ended.ms).toBeLessThan(500);
        expect(ended.value.every((o) => !o.ok && o.error instanceof ClosedError)).toBe(true);
        expect(cut.stats().pending).toBe(0);
      } finally {
        for (const proxy of proxies.values()) await proxy.close();
      }
    },
  );
});

describe(onServer('10. one health report (conn.health)'), () => {
  it('is up when every slot is served and every primary answers PING, listing every node the topology reports', async () => {
    await cluster.refresh();
    const health = await conn.health({ timeoutMs: 1000 });
    expect(health.status).toBe('up');
    expect(health.problem).toBeUndefined();
    expect(health.reason).toBeUndefined();
    expect(health.coveredSlots).toBe(SLOT_COUNT);
    expect(Object.keys(health.primaries).sort()).toEqual(
      cluster.primaries.map((node) => node.address).sort(),
    );
    expect(Object.values(health.primaries)).toEqual(['PONG', 'PONG', 'PONG']);
    expect(health.failing).toEqual({});
    expect(health.nodes.map((node) => node.address).sort()).toEqual(
      cluster.nodes.map((node) => node.address).sort(),
    );
    expect(health.nodes.filter((node) => node.role === 'replica')).toHaveLength(3);
  });

  it('is down, naming the primary that did not answer within its deadline, while that primary is paused', async () => {
    await cluster.refresh();
    const node = cluster.primaries[1]!;
    // Without the deadline, the PING would be answered once the node resumes, and the report would say up.
    const health = await whilePaused(node, () => conn.health({ timeoutMs: 300 }));
    expect(health.status).toBe('down');
    expect(health.problem).toBe('primariesSilent');
    expect(Object.keys(health.failing)).toEqual([node.address]);
    expect(health.failing[node.address]).toMatch(/^no PING reply within 300 ms/);
    expect(health.reason).toContain(`1 of 3 primaries did not answer PING: primary ${node.address}`);
    expect(health.coveredSlots).toBe(SLOT_COUNT);
  });

  it('is down before the topology is known, and once the connection is closed', async () => {
    const nowhere = new ClusterClient(`127.0.0.1:${await findFreePort()}`).createConnection({
      commandTimeoutMs: 300,
    });
    try {
      expect(await nowhere.health()).toMatchObject({
        status: 'down',
        problem: 'topologyUnknown',
        reason: 'the cluster topology is not known yet',
        coveredSlots: 0,
        primaries: {},
      });
    } finally {
      nowhere.destroy();
    }
    expect(await nowhere.health()).toMatchObject({
      status: 'down',
      problem: 'closed',
      reason: 'the cluster connection is closed',
    });
  });
});
