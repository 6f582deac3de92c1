import { ClosedError, CrossSlotError } from '@keyslot/client';
import { ConnectionClosedError } from 'bullmq';

/**
 * A keyslot error as BullMQ understands it. A closed connection becomes BullMQ's `ConnectionClosedError` (with
 * ioredis's message), which its workers and event listeners take as "stop quietly" rather than as an error to
 * report. Anything else is passed on unchanged.
 */
export function forBullmq(error: unknown): unknown {
  if (error instanceof ClosedError) return new ConnectionClosedError(undefined, error);
  return error;
}

/**
 * A script's error, with advice when its keys span hash slots: on a cluster every key of a queue (and of every queue
 * of a flow) must live in one slot, which BullMQ arranges only through a hash-tagged prefix or queue name.
 */
export function forBullmqScript(error: unknown): unknown {
  if (!(error instanceof CrossSlotError)) return forBullmq(error);
  return new CrossSlotError(
    `BullMQ needs all the keys of a queue in one hash slot on a Redis Cluster, but ${error.message}. Give the queue a hash-tagged prefix, e.g. new Queue('emails', { connection, prefix: '{bull}' }) (use the same prefix for its Worker, QueueEvents and FlowProducer; the queues of one flow must share the tag)`,
    error.slots,
  );
}

/** Rejects with the error as BullMQ understands it. */
export function rethrowForBullmq(error: unknown): never {
  throw forBullmq(error);
}

/** Rejects with the script's error as BullMQ understands it. */
export function rethrowForBullmqScript(error: unknown): never {
  throw forBullmqScript(error);
}
