/**
 * Diagnostics and prototypes applied inside a child before its client connects (never in the default runs):
 * - `count-io`: counts socket writes and 'data' events (reads) per command in the measured window (Node sockets
 *   only: glide talks to the server from its Rust core, so its figures are not comparable).
 * - `flush-immediate`: keyslot's MultiplexedConnection schedules its flush with setImmediate instead of
 *   process.nextTick, so the replies of every node read in one event-loop turn are answered by one write per node.
 *   A prototype of a proposed change, patched onto the prototype at run time; the library is not modified.
 */
import net from 'node:net';

export type ExperimentName = 'count-io' | 'flush-immediate';

export const EXPERIMENT_NAMES: readonly ExperimentName[] = ['count-io', 'flush-immediate'];

let counters: { writes: number; reads: number } | undefined;

export function ioSnapshot(): { writes: number; reads: number } | undefined {
  return counters ? { ...counters } : undefined;
}

function countIo(): void {
  const io = { writes: 0, reads: 0 };
  counters = io;
  const proto = net.Socket.prototype as unknown as {
    write: (...args: unknown[]) => boolean;
    emit: (event: string | symbol, ...args: unknown[]) => boolean;
  };
  const write = proto.write;
  proto.write = function (this: net.Socket, ...args: unknown[]) {
    io.writes++;
    return write.apply(this, args);
  };
  const emit = proto.emit;
  proto.emit = function (this: net.Socket, event: string | symbol, ...args: unknown[]) {
    if (event === 'data') io.reads++;
    return emit.call(this, event, ...args);
  };
}

interface ConnectionInternals {
  state: string;
  inflight: { length: number };
  outbox: unknown[];
  settings: { maxPending: number };
  flushScheduled: boolean;
  flush: () => void;
}

async function flushImmediate(): Promise<void> {
  const { MultiplexedConnection } = await import('@keyslot/client');
  const proto = MultiplexedConnection.prototype as unknown as { send(request: unknown): void };
  const original = proto.send;
  proto.send = function (this: ConnectionInternals, request: unknown) {
    if (this.state !== 'open' || this.inflight.length + this.outbox.length >= this.settings.maxPending) {
      original.call(this, request);
      return;
    }
    this.outbox.push(request);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  };
}

export async function installExperiments(names: readonly ExperimentName[]): Promise<void> {
  for (const name of names) {
    if (name === 'count-io') countIo();
    else if (name === 'flush-immediate') await flushImmediate();
  }
}
