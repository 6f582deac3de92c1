// ConnectionManager against a real redis-server that answers -LOADING: DEBUG RELOAD with a per-key load delay keeps
// the server loading its dataset for a few seconds, answering every other client's command with -LOADING, as it does
// while it loads after a restart. A command so answered is sent again after a backoff delay.
import diagnosticsChannel from 'node:diagnostics_channel';
import { type DevStandalone, startStandalone, waitFor } from '@keyslot/dev-cluster';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, ClosedError, type ConnectionManager, type RetryEvent } from '../src/index.js';
import { outcome } from './support/promise-outcome.js';
import { onServer } from './support/server.js';

let server: DevStandalone;
const managers: ConnectionManager[] = [];
const retries: RetryEvent[] = [];
/** The DEBUG RELOAD under way: the next test starts once it is done. */
let loading: Promise<unknown> = Promise.resolve();
const onRetry = (event: unknown) => retries.push(event as RetryEvent);

beforeAll(async () => {
  server = await startStandalone();
  // 20,000 keys loaded 100 µs apart: DEBUG RELOAD keeps the server loading for about 2 s.
  await server.admin('DEBUG', 'POPULATE', '20000');
  await server.admin('CONFIG', 'SET', 'loading-process-events-interval-bytes', '1024');
  await server.admin('CONFIG', 'SET', 'key-load-delay', '100');
  diagnosticsChannel.subscribe('keyslot:retry', onRetry);
});
afterAll(async () => {
  diagnosticsChannel.unsubscribe('keyslot:retry', onRetry);
  await server?.stop();
});
afterEach(async () => {
  for (const manager of managers.splice(0)) manager.destroy();
  await loading;
  retries.length = 0;
});

/** A manager whose commands have a deadline far beyond the loading time. */
async function managerFor(backoff?: { baseMs: number; maxMs: number }): Promise<ConnectionManager> {
  const manager = await new Client({ port: server.port }).getConnectionManager({
    commandTimeoutMs: 60_000,
    backoff,
  });
  managers.push(manager);
  return manager;
}

/**
 * Starts DEBUG RELOAD (on the admin connection, which it blocks until loaded) and waits until the server answers
 * -LOADING; `loaded` settles once the dataset is loaded.
 */
async function reload(): Promise<{ loaded: Promise<unknown> }> {
  const loaded = server.adminWithTimeout(60_000, 'DEBUG', 'RELOAD');
  loading = outcome(loaded);
  const probe = await new Client({ port: server.port }).getMultiplexedConnection({
    commandTimeoutMs: 60_000,
  });
  try {
    const answersLoading = async () => {
      const result = await outcome(probe.get('key:1'));
      return 'error' in result && /LOADING/.test(String(result.error));
    };
    await waitFor(answersLoading, {
      timeoutMs: 10_000,
      intervalMs: 5,
      message: 'the server to answer -LOADING',
    });
  } finally {
    probe.destroy();
  }
  return { loaded };
}

/** Waits until a GET was answered -LOADING and is waiting to be sent again. */
async function untilGetWaitsOutLoading(): Promise<void> {
  await waitFor(() => retries.some((event) => event.command === 'GET' && event.reason === 'LOADING'), {
    timeoutMs: 5_000,
    intervalMs: 5,
    message: 'a GET answered -LOADING',
  });
}

/** The outcome of `promise` once settled, or a failure naming what it waited for. */
async function settledOutcome(promise: Promise<unknown>, what: string) {
  let result: { value: unknown } | { error: unknown } | undefined;
  void outcome(promise).then((settled) => {
    result = settled;
  });
  await waitFor(() => result !== undefined, { timeoutMs: 2_000, intervalMs: 5, message: what });
  return result;
}

describe(onServer('a server loading its dataset (-LOADING)'), () => {
  it('a read answered -LOADING is sent again until the dataset is loaded, then answered', async () => {
    const manager = await managerFor();
    const { loaded } = await reload();
    const read = manager.get('key:1');
    await untilGetWaitsOutLoading();
    expect(await read).toBe('value:1');
    await loaded;
  });

  it('a command answered -LOADING again and again waits longer each time: with a 1 ms base, a load of seconds costs it a few tries, not hundreds', async () => {
    // Delays of at most 1, 2, 4... ms (full jitter): some 12 tries cover 2 s. A delay that never grows (at most
    // 1 ms) would send the GET again about every millisecond, a thousand times or more.
    const manager = await managerFor({ baseMs: 1, maxMs: 60_000 });
    const { loaded } = await reload();
    const read = manager.get('key:1');
    await untilGetWaitsOutLoading();
    await loaded;
    expect(await read).toBe('value:1');
    const tries = retries.filter((event) => event.command === 'GET' && event.reason === 'LOADING').length;
    expect(tries).toBeGreaterThan(0);
    expect(tries).toBeLessThan(100);
  });

  it('close() while a command waits out a -LOADING reply rejects it with ClosedError at once', async () => {
    const manager = await managerFor();
    const { loaded } = await reload();
    const read = manager.get('key:1');
    await untilGetWaitsOutLoading();
    await manager.close();
    const result = await settledOutcome(read, 'the GET waiting out -LOADING to settle after close()');
    expect(result).toHaveProperty('error');
    expect((result as { error: unknown }).error).toBeInstanceOf(ClosedError);
    await loaded;
  });

  it('destroy() while a command waits out a -LOADING reply rejects it with ClosedError at once', async () => {
    const manager = await managerFor();
    const { loaded } = await reload();
    const read = manager.get('key:1');
    await untilGetWaitsOutLoading();
    manager.destroy();
    const result = await settledOutcome(read, 'the GET waiting out -LOADING to settle after destroy()');
    expect(result).toHaveProperty('error');
    expect((result as { error: unknown }).error).toBeInstanceOf(ClosedError);
    await loaded;
  });
});
