/**
 * Blocking reads in short slices. BullMQ interrupts a worker's BZPOPMIN or a listener's XREAD BLOCK by
 * disconnecting the client; keyslot cannot cut one command short (it runs on a pooled dedicated connection), so a
 * view would otherwise leave the command blocking on the server for its whole block time (up to 10 s), holding a
 * dedicated connection and delaying `ClusterConnection.close()` by as much. Sent as consecutive slices of at most
 * `SLICE_MS`, the same wait ends within one slice of being abandoned.
 */
import { OutcomeUnknownError, ReplyError } from '@keyslot/client';

/** The longest single block: how long an abandoned read may still hold its dedicated connection. */
export const SLICE_MS = 1000;

/** One slice of a blocking read: the reply, or null when the slice's block time passed without one. */
export type ReadSlice<T> = (blockMs: number) => Promise<T | null>;

/**
 * Waits up to `totalMs` (0: without end) for a reply, slice after slice, while `wanted()` holds. Resolves with the
 * first reply, or null once the time is up or nobody wants it any more.
 */
export async function readInSlices<T>(
  totalMs: number,
  readSlice: ReadSlice<T>,
  wanted: () => boolean,
): Promise<T | null> {
  const deadline = totalMs > 0 ? Date.now() + totalMs : Number.POSITIVE_INFINITY;
  for (;;) {
    const remaining = deadline - Date.now();
    // Whole milliseconds, never 0: a block time of 0 means "forever" to the server.
    const blockMs = Math.ceil(Math.min(remaining, SLICE_MS));
    if (blockMs < 1) return null;
    const reply = await readSlice(blockMs).catch(nothingIfUnblocked);
    if (reply !== null || !wanted()) return reply;
  }
}

/**
 * Failures that count as an empty slice, the next slice going to whichever node serves the key by then:
 * - the server unblocked the read because its node stopped being a primary (a graceful failover: `UNBLOCKED ...
 *   master -> replica`): it took nothing;
 * - the connection was lost while the read blocked (`OutcomeUnknownError`): an XREAD changed nothing; a BZPOPMIN
 *   may have taken a marker with it, which costs a worker at most one block timeout (BullMQ then looks for jobs
 *   anyway), as it does with any client that loses a reply.
 */
function nothingIfUnblocked(error: unknown): null {
  if (error instanceof ReplyError && error.prefix === 'UNBLOCKED') return null;
  if (error instanceof OutcomeUnknownError) return null;
  throw error;
}
