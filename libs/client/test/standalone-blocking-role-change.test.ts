// A blocking command ended by UNBLOCKED because its server became a replica: the server closes that connection right
// after the reply, so the next blocking command must not be sent on it.
import { type DevStandalone, findFreePort, startStandalone, waitFor } from '@keyslot/dev-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, ReplyError } from '../src/index.js';
import { outcome } from './support/promise-outcome.js';
import { onServer } from './support/server.js';

let server: DevStandalone;
beforeAll(async () => {
  server = await startStandalone();
});
afterAll(async () => {
  await server?.stop();
});

describe(onServer('a blocking command after UNBLOCKED by a role change'), () => {
  it('runs on a new dedicated connection, not on the one the server closes after UNBLOCKED', async () => {
    const conn = await new Client({ host: '127.0.0.1', port: server.port }).getMultiplexedConnection();
    // A primary nobody listens on: the server turns replica (and ends its blocked commands) all the same.
    const nowhere = await findFreePort();
    try {
      const popped = conn.blpop('role-change:list', 0);
      // Issued as soon as the BLPOP fails, as a worker's loop does: before the server's close reaches the client.
      const next = outcome(
        popped.then(
          () => 'popped',
          () => conn.xread({ key: 'role-change:stream', id: '$' }, { block: 100 }),
        ),
      );
      await waitFor(async () => /blocked_clients:1\b/.test(String(await server.admin('INFO', 'clients'))), {
        timeoutMs: 5_000,
        intervalMs: 10,
        message: 'BLPOP to block on the server',
      });
      await server.admin('REPLICAOF', '127.0.0.1', String(nowhere));
      const ended = await outcome(popped);
      expect('error' in ended && ended.error instanceof ReplyError && ended.error.prefix).toBe('UNBLOCKED');
      // A replica serves the read: it times out empty rather than failing as lost.
      expect(await next).toEqual({ value: null });
    } finally {
      await server.admin('REPLICAOF', 'NO', 'ONE');
      await conn.close();
    }
  });
});
