import diagnosticsChannel from 'node:diagnostics_channel';
import {
  type CacheLookupEvent,
  CHANNELS,
  type ConnectEvent,
  type ConnectionCreatedEvent,
  type ObservableConnection,
  type RedirectEvent,
  type RetryEvent,
  type StuckEvent,
  type TopologyEvent,
} from '@keyslot/client';
import type { Counter, Histogram, Meter, ObservableGauge, ObservableResult } from '@opentelemetry/api';
import { ATTR, DB_SYSTEM, serverAttributes } from './attributes.js';

/** Bucket boundaries for command durations, in seconds, as the database conventions advise. */
const DURATION_BUCKETS = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

/**
 * keyslot's metrics: the command duration histogram (fed by `CommandSpans`), counters fed by the event channels,
 * and observable gauges read from the connections it was told about (`keyslot:connection`, or `observe()`): cluster
 * connections and standalone connection managers.
 */
export class ClientMetrics {
  readonly duration: Histogram;
  private readonly redirects: Counter;
  private readonly reconnects: Counter;
  private readonly retries: Counter;
  private readonly stuck: Counter;
  private readonly refreshes: Counter;
  private readonly cacheLookups: Counter;
  private readonly pending: ObservableGauge;
  private readonly hitRatio: ObservableGauge;
  private readonly connections = new Set<ObservableConnection>();
  private hits = 0;
  private misses = 0;
  private readonly subscriptions: [string, (message: unknown) => void][];

  constructor(meter: Meter) {
    this.duration = meter.createHistogram('db.client.operation.duration', {
      description: 'Duration of database client operations.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.redirects = meter.createCounter('keyslot.client.redirects', {
      description: 'MOVED and ASK redirects followed.',
      unit: '{redirect}',
    });
    this.reconnects = meter.createCounter('keyslot.client.reconnects', {
      description: 'Connections to a node opened again after one was lost.',
      unit: '{connection}',
    });
    this.retries = meter.createCounter('keyslot.client.retries', {
      description: 'Commands sent again after a failure that left them unrun (or safe to run twice).',
      unit: '{retry}',
    });
    this.stuck = meter.createCounter('keyslot.client.stuck_connections', {
      description:
        'Connections dropped because they owed replies and delivered nothing for a command timeout.',
      unit: '{connection}',
    });
    this.refreshes = meter.createCounter('keyslot.client.topology.refreshes', {
      description: 'Topology refreshes, by outcome (changed, unchanged, failed).',
      unit: '{refresh}',
    });
    this.cacheLookups = meter.createCounter('keyslot.client.cache.lookups', {
      description: 'Client-side cache lookups, by result (hit, miss).',
      unit: '{lookup}',
    });
    this.pending = meter.createObservableGauge('keyslot.client.pending_commands', {
      description: 'Commands sent to a node and not answered yet, per node.',
      unit: '{command}',
    });
    this.hitRatio = meter.createObservableGauge('keyslot.client.cache.hit_ratio', {
      description: 'Client-side cache hits over lookups, since the instrumentation was enabled.',
      unit: '1',
    });
    this.pending.addCallback(this.observePending);
    this.hitRatio.addCallback(this.observeHitRatio);
    this.subscriptions = [
      [CHANNELS.connection, (m) => this.observe((m as ConnectionCreatedEvent).connection)],
      [CHANNELS.redirect, (m) => this.onRedirect(m as RedirectEvent)],
      [CHANNELS.connect, (m) => this.onConnect(m as ConnectEvent)],
      [CHANNELS.retry, (m) => this.retries.add(1, { [ATTR.retryReason]: (m as RetryEvent).reason })],
      [CHANNELS.stuck, (m) => this.stuck.add(1, serverAttributes((m as StuckEvent).address))],
      [
        CHANNELS.topology,
        (m) => this.refreshes.add(1, { [ATTR.topologyOutcome]: (m as TopologyEvent).outcome }),
      ],
      [CHANNELS.cacheHit, (m) => this.onCacheLookup(true, m as CacheLookupEvent)],
      [CHANNELS.cacheMiss, (m) => this.onCacheLookup(false, m as CacheLookupEvent)],
    ];
  }

  subscribe(): void {
    for (const [name, handler] of this.subscriptions) diagnosticsChannel.subscribe(name, handler);
  }

  unsubscribe(): void {
    for (const [name, handler] of this.subscriptions) diagnosticsChannel.unsubscribe(name, handler);
    this.pending.removeCallback(this.observePending);
    this.hitRatio.removeCallback(this.observeHitRatio);
    this.connections.clear();
  }

  /** Reports this connection's pending commands per node (a standalone one's server as its node), until it is closed. */
  observe(connection: ObservableConnection): void {
    this.connections.add(connection);
  }

  /** The connections reported now. */
  get observed(): ReadonlySet<ObservableConnection> {
    return this.connections;
  }

  private onRedirect(event: RedirectEvent): void {
    this.redirects.add(1, {
      [ATTR.dbSystemName]: DB_SYSTEM,
      [ATTR.redirectKind]: event.kind,
      ...serverAttributes(event.from),
    });
  }

  private onConnect(event: ConnectEvent): void {
    if (event.reconnect) this.reconnects.add(1, serverAttributes(event.address));
  }

  private onCacheLookup(hit: boolean, event: CacheLookupEvent): void {
    if (hit) this.hits++;
    else this.misses++;
    this.cacheLookups.add(1, {
      [ATTR.cacheResult]: hit ? 'hit' : 'miss',
      [ATTR.dbOperationName]: event.command,
    });
  }

  private readonly observePending = (result: ObservableResult): void => {
    for (const connection of this.connections) {
      if (!connection.isOpen) {
        this.connections.delete(connection);
        continue;
      }
      // Told apart by shape, not instanceof: two copies of @keyslot/client in one application stay covered.
      if ('topology' in connection) {
        for (const node of connection.topology().nodes) {
          if (node.connected || node.pending > 0)
            result.observe(node.pending, serverAttributes(node.address));
        }
      } else if (connection.connected || connection.pending > 0) {
        result.observe(connection.pending, serverAttributes(connection.address));
      }
    }
  };

  private readonly observeHitRatio = (result: ObservableResult): void => {
    const lookups = this.hits + this.misses;
    if (lookups > 0) result.observe(this.hits / lookups);
  };
}
