// @keyslot/nestjs/throttler through ThrottlerModule and ThrottlerGuard in a real Nest application, against a real
// cluster: one script call per request on the primary that owns the tracker's keys, the limit and the block as the
// guard answers them, and a primary failover under load that loses no count beyond outcomes it could not know.

import { KeyslotError } from '@keyslot/client';
import { type DevCluster, type DevClusterNode, primaryOfKey, startCluster } from '@keyslot/dev-cluster';
import { ClusterConnection, KeyslotModule } from '@keyslot/nestjs';
import { KeyslotThrottlerStorage, throttlerKeys, withKeyslotStorage } from '@keyslot/nestjs/throttler';
import {
  type ArgumentsHost,
  Catch,
  Controller,
  type ExceptionFilter,
  type ExecutionContext,
  Get,
  Module,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Throttle, ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFastifyApp } from './support/fastify-app.js';

@Controller()
class RoutesController {
  @Get('limited')
  limited() {
    return { ok: true };
  }

  @Get('short-block')
  @Throttle({ default: { limit: 2, ttl: 60_000, blockDuration: 1500 } })
  shortBlock() {
    return { ok: true };
  }

  @Get('unlimited')
  @Throttle({ default: { limit: 1_000_000_000, ttl: 600_000 } })
  unlimited() {
    return { ok: true };
  }
}

/** The client's errors as 503 with their code, so the test can tell an outcome-unknown increment from others. */
@Catch(KeyslotError)
class KeyslotErrorFilter implements ExceptionFilter {
  catch(error: KeyslotError, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<FastifyReply>().code(503).send({ code: error.code });
  }
}

/** Readable throttler keys (`<handler>:<tracker>`), so the test can find them on the servers. */
const keyOf = (handler: string, tracker: string) => `${handler}:${tracker}`;

describe('KeyslotThrottlerStorage through ThrottlerModule', () => {
  let cluster: DevCluster;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    cluster = await startCluster({ primaries: 3, replicasPerPrimary: 1 });
    @Module({
      imports: [
        KeyslotModule.forRoot({ nodes: cluster.seeds, connection: { commandTimeoutMs: 15_000 } }),
        ThrottlerModule.forRootAsync(
          withKeyslotStorage({
            throttlers: [{ ttl: 60_000, limit: 5 }],
            getTracker: (request) => String(request.headers['x-tracker']),
            generateKey: (context: ExecutionContext, tracker: string) =>
              keyOf(context.getHandler().name, tracker),
          }),
        ),
      ],
      controllers: [RoutesController],
      providers: [
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        { provide: APP_FILTER, useClass: KeyslotErrorFilter },
      ],
    })
    class AppModule {}
    app = await startFastifyApp(AppModule);
  });

  afterAll(async () => {
    await app?.close();
    await cluster?.stop();
  });

  const hit = (url: string, tracker: string) =>
    app.inject({ method: 'GET', url, headers: { 'x-tracker': tracker } });

  const running = () => cluster.nodes.find((node) => node.state === 'running')!;

  const ownerOf = (key: string) => primaryOfKey(cluster, key);

  async function scriptCalls(node: DevClusterNode): Promise<{ evalsha: number; eval: number }> {
    const info = String(await cluster.admin(node, 'INFO', 'commandstats'));
    const calls = (command: string) =>
      Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
    return { evalsha: calls('evalsha'), eval: calls('eval') };
  }

  it('counts each request with one EVALSHA on the primary owning the tracker, and answers 429 past the limit', async () => {
    const tracker = `alice-${process.pid}`;
    const keys = throttlerKeys(keyOf('limited', tracker), 'default');
    const owner = await ownerOf(keys.hits);
    const before = await Promise.all(cluster.primaries.map(scriptCalls));

    for (let i = 1; i <= 5; i++) {
      const reply = await hit('/limited', tracker);
      expect(reply.statusCode).toBe(200);
      expect(reply.headers['x-ratelimit-limit']).toBe('5');
      expect(reply.headers['x-ratelimit-remaining']).toBe(String(5 - i));
      expect(Number(reply.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    }
    const refused = await hit('/limited', tracker);
    expect(refused.statusCode).toBe(429);
    // blockDuration defaults to the ttl: blocked for 60 s.
    expect(refused.headers['retry-after']).toBe('60');
    // Another tracker is not affected.
    expect((await hit('/limited', `bob-${process.pid}`)).statusCode).toBe(200);

    // Six requests of this tracker: six EVALSHA on the owner (plus one EVAL if the node did not know the script
    // yet), none on the other primaries but for bob's one request.
    const after = await Promise.all(cluster.primaries.map(scriptCalls));
    const bobOwner = await ownerOf(throttlerKeys(keyOf('limited', `bob-${process.pid}`), 'default').hits);
    cluster.primaries.forEach((node, index) => {
      const expected = (node === owner ? 6 : 0) + (node === bobOwner ? 1 : 0);
      expect(after[index]!.evalsha - before[index]!.evalsha).toBe(expected);
      expect(after[index]!.eval - before[index]!.eval).toBeLessThanOrEqual(expected > 0 ? 1 : 0);
    });
    // The count and the block marker live on that primary.
    expect(await cluster.admin(owner, 'GET', keys.hits)).toBe('6');
    expect(Number(await cluster.admin(owner, 'PTTL', keys.blocked))).toBeGreaterThan(50_000);

    // While blocked, requests are refused and not counted.
    expect((await hit('/limited', tracker)).statusCode).toBe(429);
    expect(await cluster.admin(owner, 'GET', keys.hits)).toBe('6');
  });

  it('counts afresh once a block is over', async () => {
    const tracker = `carol-${process.pid}`;
    expect((await hit('/short-block', tracker)).headers['x-ratelimit-remaining']).toBe('1');
    expect((await hit('/short-block', tracker)).headers['x-ratelimit-remaining']).toBe('0');
    const refused = await hit('/short-block', tracker);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('2'); // 1500 ms, rounded up to seconds

    let passed: Awaited<ReturnType<typeof hit>> | undefined;
    await cluster.waitFor(
      async () => {
        const reply = await hit('/short-block', tracker);
        if (reply.statusCode === 200) passed = reply;
        return passed !== undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, message: 'the block to end' },
    );
    // The window ended with the block: this is the first hit of a new one.
    expect(passed!.headers['x-ratelimit-remaining']).toBe('1');
  });

  it('keeps the hits and the block marker of any throttler key in one slot', async () => {
    const redis = app.get(ClusterConnection);
    const storage = new KeyslotThrottlerStorage(redis);
    const awkward = ['plain', '{user1}', '}x{y}', 'a}b', '{}', '{', 'ü{ñ}'];
    for (const key of awkward) {
      for (const name of ['default', '', 'a:b']) {
        const keys = throttlerKeys(key, name);
        const node = running();
        const [hitsSlot, blockedSlot] = await Promise.all(
          [keys.hits, keys.blocked].map(async (k) =>
            Number(await cluster.admin(node, 'CLUSTER', 'KEYSLOT', k)),
          ),
        );
        expect(blockedSlot, `${name} / ${key}`).toBe(hitsSlot);
        // One script call over both keys, which the server would refuse (CROSSSLOT) if they were apart.
        const record = await storage.increment(`${process.pid}:${key}`, 60_000, 1, 0, name);
        expect(record).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
      }
    }
  });

  it('refuses bad arguments and options with typed errors before sending anything', async () => {
    const storage = new KeyslotThrottlerStorage(app.get(ClusterConnection));
    for (const [ttl, limit, block] of [
      [0, 1, 0],
      [Number.NaN, 1, 0],
      [1000, -1, 0],
      [1000, 1, Number.POSITIVE_INFINITY],
    ] as const) {
      await expect(storage.increment('k', ttl, limit, block, 'default')).rejects.toMatchObject({
        code: 'ERR_KEYSLOT_ARGUMENT',
      });
    }
    await expect(storage.increment('', 1000, 1, 0, 'default')).rejects.toMatchObject({
      code: 'ERR_KEYSLOT_ARGUMENT',
    });
    // A brace in the name could end the hash tag before it holds anything.
    await expect(storage.increment('k', 1000, 1, 0, '}odd')).rejects.toMatchObject({
      code: 'ERR_KEYSLOT_ARGUMENT',
    });
    expect(() => new KeyslotThrottlerStorage(app.get(ClusterConnection), { prefix: 'rl:{x}:' })).toThrow(
      expect.objectContaining({ code: 'ERR_KEYSLOT_CONFIG' }),
    );
    expect(() => withKeyslotStorage({ throttlers: [], storage })).toThrow(
      expect.objectContaining({ code: 'ERR_KEYSLOT_CONFIG' }),
    );
  });

  it('counts every request through a primary failover, off only by increments whose outcome is unknown', async () => {
    const victim = cluster.primaries[0]!;
    const [heir] = cluster.replicasOf(victim);
    // Trackers whose keys live on the victim's shard, and two that live elsewhere.
    const doomed: string[] = [];
    const safe: string[] = [];
    for (let i = 0; doomed.length < 6 || safe.length < 2; i++) {
      const tracker = `load-${process.pid}-${i}`;
      const owner = await ownerOf(throttlerKeys(keyOf('unlimited', tracker), 'default').hits);
      if (owner === victim && doomed.length < 6) doomed.push(tracker);
      else if (owner !== victim && safe.length < 2) safe.push(tracker);
    }
    const tally = new Map(
      [...doomed, ...safe].map((tracker) => [tracker, { ok: 0, unknown: 0, others: [] as string[] }]),
    );
    let running = true;
    const loops = [...tally].map(async ([tracker, counts]) => {
      while (running) {
        const reply = await hit('/unlimited', tracker);
        if (reply.statusCode === 200) counts.ok++;
        else if (reply.json().code === 'ERR_KEYSLOT_OUTCOME_UNKNOWN') counts.unknown++;
        else counts.others.push(`${reply.statusCode} ${reply.body}`);
      }
    });
    const total = () => [...tally.values()].reduce((sum, counts) => sum + counts.ok, 0);
    await cluster.waitFor(() => total() >= 200, { timeoutMs: 20_000, message: 'load to get going' });

    await cluster.kill(victim);
    await cluster.waitFor(
      async () => {
        await cluster.refresh();
        return heir!.role === 'primary';
      },
      { timeoutMs: 30_000, message: `replica ${heir!.address} to be promoted` },
    );
    // Every tracker keeps being counted after the failover.
    const promoted = new Map([...tally].map(([tracker, counts]) => [tracker, counts.ok]));
    await cluster.waitFor(
      () => [...tally].every(([tracker, counts]) => counts.ok >= promoted.get(tracker)! + 20),
      {
        timeoutMs: 30_000,
        message: 'every tracker to be counted again after the failover',
      },
    );
    running = false;
    await Promise.all(loops);

    let unknown = 0;
    let applied = 0;
    for (const [tracker, counts] of tally) {
      const keys = throttlerKeys(keyOf('unlimited', tracker), 'default');
      const stored = Number(await cluster.admin(await ownerOf(keys.hits), 'GET', keys.hits));
      // Every acknowledged request is counted; an uncounted increment is only one whose reply was lost.
      expect(counts.others, tracker).toEqual([]);
      expect(stored, tracker).toBeGreaterThanOrEqual(counts.ok);
      expect(stored, tracker).toBeLessThanOrEqual(counts.ok + counts.unknown);
      unknown += counts.unknown;
      applied += stored - counts.ok;
    }
    // Only requests in flight on the killed primary can have an unknown outcome; the others were never in doubt.
    for (const tracker of safe) expect(tally.get(tracker)!.unknown).toBe(0);
    console.info(
      `throttler failover: ${total()} requests acknowledged; ${unknown} failed with an unknown outcome (in flight on ${victim.address} when it was killed), ${applied} of which were counted`,
    );
  });
});
