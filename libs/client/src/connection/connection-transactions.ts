import type { Command } from '../command.js';
import { ReplyError } from '../errors.js';
import { encodeCommand } from '../resp/encode-command.js';
import type { MultiplexedConnection } from './multiplexed-connection.js';
import { PromiseRequest } from './promise-request.js';

// Transactions on one connection: WATCH around the caller's work, and MULTI/EXEC written as one unit.

/** `MultiplexedConnection.watch`: WATCHes `keys`, runs `work`, and UNWATCHes afterwards if the connection is open. */
export async function watchKeys<T>(
  connection: MultiplexedConnection,
  keys: readonly (string | Buffer)[],
  work: (connection: MultiplexedConnection) => Promise<T>,
): Promise<T> {
  await connection.execHere({ name: 'WATCH', args: keys }, connection.commandTimeoutMs);
  try {
    return await work(connection);
  } finally {
    if (connection.isOpen)
      await connection.execHere({ name: 'UNWATCH', args: [] }, connection.commandTimeoutMs).catch(() => {});
  }
}

/**
 * `MultiplexedConnection.runTransaction`: MULTI, the commands and EXEC queued together for the same write; after
 * ASKING when `asking` (a cluster transaction sent to the importing node of its slot). An EXECABORT caused by an ASK
 * reply to a queued command carries that reply as its `cause`: the cluster sends the whole transaction there.
 */
export function writeTransaction(
  connection: MultiplexedConnection,
  commands: readonly Command<unknown>[],
  returnBuffers: boolean,
  asking = false,
): Promise<unknown[] | null> {
  const timeout = connection.commandTimeoutMs;
  const payloads = commands.map((command) => encodeCommand(command.name, command.args));
  // MULTI, the commands and EXEC are admitted together: a transaction is never cut in the middle.
  const full = connection.refusal('MULTI', payloads.length + (asking ? 3 : 2));
  if (full !== undefined) return Promise.reject(full);
  // ASKING holds for the whole MULTI ... EXEC that follows it on this connection.
  if (asking) connection.execHere({ name: 'ASKING', args: [] }, timeout).catch(() => {});
  const started = connection.execHere({ name: 'MULTI', args: [] }, timeout);
  const queued = payloads.map((payload, index) => {
    const request = new PromiseRequest<unknown>(
      commands[index]!.name,
      payload,
      false,
      undefined,
      connection.address,
      timeout,
    );
    connection.send(request);
    return request.promise;
  });
  const exec = connection.execHere<unknown[] | null>({ name: 'EXEC', args: [], returnBuffers }, timeout);
  // Errors while queueing show up again as EXECABORT on EXEC; EXEC's outcome is the one that counts.
  started.catch(() => {});
  let ask: ReplyError | undefined;
  const noteAsk = (error: unknown): void => {
    if (ask === undefined && error instanceof ReplyError && error.prefix === 'ASK') ask = error;
  };
  for (const promise of queued) promise.catch(noteAsk);
  // The queued replies come before EXEC's: `ask` is known when EXEC fails.
  return exec.catch((error: unknown) => {
    if (ask !== undefined && error instanceof ReplyError && error.prefix === 'EXECABORT') error.cause = ask;
    throw error;
  });
}
