import diagnosticsChannel from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import type { CommandTraceContext } from '@keyslot/client';

/** Latency percentiles of one node's recent commands, in ms. */
export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  /** Commands the percentiles are taken over (the most recent ones). */
  count: number;
}

/** Commands kept per node: recent enough to follow a failover, enough for a p99. */
const WINDOW = 1024;

/**
 * Latency of each node's recent commands, for the status page, read off keyslot's `keyslot:command` tracing
 * channel: from the call to the reply, by the node that answered.
 */
export class NodeLatency {
  private readonly channel = diagnosticsChannel.tracingChannel<CommandTraceContext, CommandTraceContext>(
    'keyslot:command',
  );
  private readonly startedAt = new WeakMap<CommandTraceContext, number>();
  private readonly samples = new Map<string, { values: Float64Array; next: number; count: number }>();
  private readonly handlers = {
    start: (message: CommandTraceContext) => this.startedAt.set(message, performance.now()),
    end: () => {},
    asyncStart: () => {},
    asyncEnd: (message: CommandTraceContext) => this.record(message),
    error: () => {},
  };

  constructor() {
    this.channel.subscribe(this.handlers);
  }

  stop(): void {
    this.channel.unsubscribe(this.handlers);
  }

  /** Percentiles per node address, over each node's last commands. */
  summary(): Record<string, LatencySummary> {
    const out: Record<string, LatencySummary> = {};
    for (const [address, { values, count }] of this.samples) {
      const sorted = values.slice(0, count).sort();
      const at = (q: number) => sorted[Math.min(count - 1, Math.floor(q * count))]!;
      out[address] = { p50: at(0.5), p90: at(0.9), p99: at(0.99), count };
    }
    return out;
  }

  private record(message: CommandTraceContext): void {
    const started = this.startedAt.get(message);
    if (started === undefined || message.node === undefined) return;
    let ring = this.samples.get(message.node);
    if (ring === undefined) {
      ring = { values: new Float64Array(WINDOW), next: 0, count: 0 };
      this.samples.set(message.node, ring);
    }
    ring.values[ring.next] = performance.now() - started;
    ring.next = (ring.next + 1) % WINDOW;
    ring.count = Math.min(ring.count + 1, WINDOW);
  }
}
