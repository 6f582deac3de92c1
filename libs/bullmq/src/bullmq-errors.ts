import {
  ClosedError,
  ConnectionError,
  CrossSlotError,
  OutcomeUnknownError,
  ProtocolError,
  QueueFullError,
  TimeoutError,
} from '@keyslot/client';
import { ConnectionClosedError } from 'bullmq';

/**
 * A keyslot error as BullMQ understands it. BullMQ was written for a client that never fails a command on a lost
 * connection but re-sends it (ioredis with `maxRetriesPerRequest: null`), and it tells such failures from errors
 * of the job by one class, its `ConnectionClosedError`: a worker then records a job's result again later (its
 * scripts check the job's lock token, so a second run changes nothing) instead of failing the job, and listeners
 * retry quietly. So every failure of the connection rather than of the command becomes a `ConnectionClosedError`
 * carrying keyslot's message, with keyslot's error as its `cause`:
 * - the connection was closed (`ClosedError`);
 * - it could not reach the node, or lost the connection after sending (`ConnectionError`, `OutcomeUnknownError`);
 * - no reply came before the deadline (`TimeoutError`), or too much was waiting (`QueueFullError`);
 * - the server's bytes made no sense and the connection was dropped (`ProtocolError`).
 * Anything else (a reply error, a bad argument) is passed on unchanged.
 */
export function forBullmq(error: unknown): unknown {
  if (error instanceof ClosedError) return new ConnectionClosedError(undefined, error);
  if (
    error instanceof ConnectionError ||
    error instanceof OutcomeUnknownError ||
    error instanceof TimeoutError ||
    error instanceof QueueFullError ||
    error instanceof ProtocolError
  ) {
    return new ConnectionClosedError(error.message, error);
  }
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

/** A pipeline entry was rejected with something that is not an Error; BullMQ's `[error, result]` tuples need one. */
export class NonErrorRejection extends Error {
  readonly code = 'ERR_KEYSLOT_BULLMQ_NON_ERROR' as const;
  constructor(reason: unknown) {
    super(`a command was rejected with a ${typeof reason}, not an Error`, { cause: reason });
    this.name = 'NonErrorRejection';
  }
}
