import type { Command } from '../command.js';
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
 * ASKING when `asking` (a cluster transaction sent to the importing node of its slot). `onQueuedError` hears each
 * queued command's error reply (a cluster transaction looks for ASK there), before EXEC's outcome is known.
 */
export function writeTransaction(
  connection: MultiplexedConnection,
  commands: readonly Command<unknown>[],
  returnBuffers: boolean,
  asking = false,
  onQueuedError: (error: unknown) => void = ignore,
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
  for (const promise of queued) promise.catch(onQueuedError);
  return exec;
}

function ignore(): void {}
