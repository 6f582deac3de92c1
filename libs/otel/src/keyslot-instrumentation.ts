import type { ClusterConnection } from '@keyslot/client';
import {
  type Histogram,
  type Meter,
  type MeterProvider,
  metrics,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { ClientMetrics } from './client-metrics.js';
import { CommandSpans } from './command-spans.js';

/** Options of `KeyslotInstrumentation`. */
export interface KeyslotInstrumentationConfig {
  /** Subscribe at once (as OpenTelemetry's instrumentations do). Default true. */
  enabled?: boolean | undefined;
  /** Make a span only for a command called inside another span (metrics are recorded either way). Default false. */
  requireParentSpan?: boolean | undefined;
  /** Where spans go. Default: the global tracer provider (`trace.setGlobalTracerProvider`), read at `enable()`. */
  tracerProvider?: TracerProvider | undefined;
  /** Where metrics go. Default: the global meter provider, read at `enable()`. */
  meterProvider?: MeterProvider | undefined;
}

const NAME = '@keyslot/otel';
const VERSION = '0.1.0';

/**
 * OpenTelemetry traces and metrics for every keyslot connection in the process, from keyslot's diagnostics
 * channels: a CLIENT span per command (a child of the active span, named after the operation, with the database
 * semantic conventions' attributes), the `db.client.operation.duration` histogram per operation and node, pending
 * commands per node, and counters of redirects, reconnects, retries, stuck connections, topology refreshes and
 * cache lookups. Costs nothing until enabled; `disable()` unsubscribes.
 *
 * It has the methods of OpenTelemetry's `Instrumentation` interface (`enable`, `disable`, `setTracerProvider`,
 * `setMeterProvider`, `getConfig`, `setConfig`).
 *
 * @example
 * ```ts
 * import { KeyslotInstrumentation } from '@keyslot/otel';
 * new KeyslotInstrumentation(); // after the OpenTelemetry SDK is set up
 * ```
 */
export class KeyslotInstrumentation {
  readonly instrumentationName = NAME;
  readonly instrumentationVersion = VERSION;
  private config: KeyslotInstrumentationConfig;
  private tracerProvider: TracerProvider | undefined;
  private meterProvider: MeterProvider | undefined;
  private cachedTracer: Tracer | undefined;
  private spans: CommandSpans | undefined;
  private metrics: ClientMetrics | undefined;

  constructor(config: KeyslotInstrumentationConfig = {}) {
    this.config = { enabled: true, ...config };
    this.tracerProvider = config.tracerProvider;
    this.meterProvider = config.meterProvider;
    if (this.config.enabled) this.enable();
  }

  /** Subscribes to keyslot's channels; idempotent. */
  enable(): void {
    if (this.spans !== undefined) return;
    const clientMetrics = new ClientMetrics(this.meter());
    const duration: Histogram = clientMetrics.duration;
    this.metrics = clientMetrics;
    this.spans = new CommandSpans({
      tracer: () => this.tracer(),
      duration: () => duration,
      requireParentSpan: this.config.requireParentSpan === true,
    });
    clientMetrics.subscribe();
    this.spans.subscribe();
  }

  /** Unsubscribes: keyslot's commands then build no trace payload at all. Idempotent. */
  disable(): void {
    this.spans?.unsubscribe();
    this.metrics?.unsubscribe();
    this.spans = undefined;
    this.metrics = undefined;
  }

  /** True while subscribed. */
  get isEnabled(): boolean {
    return this.spans !== undefined;
  }

  /**
   * Reports a cluster connection's pending commands per node. Connections created while enabled are reported by
   * themselves; this is for one created before.
   */
  observe(connection: ClusterConnection): void {
    this.metrics?.observe(connection);
  }

  setTracerProvider(provider: TracerProvider): void {
    this.tracerProvider = provider;
    this.cachedTracer = undefined;
  }

  /** Takes effect at once: the instruments are made again on the new provider. */
  setMeterProvider(provider: MeterProvider): void {
    this.meterProvider = provider;
    if (this.isEnabled) {
      this.disable();
      this.enable();
    }
  }

  getConfig(): KeyslotInstrumentationConfig {
    return this.config;
  }

  setConfig(config: KeyslotInstrumentationConfig): void {
    this.config = { enabled: this.config.enabled, ...config };
    if (this.isEnabled) {
      this.disable();
      this.enable();
    }
  }

  private tracer(): Tracer {
    this.cachedTracer ??= (this.tracerProvider ?? trace.getTracerProvider()).getTracer(NAME, VERSION);
    return this.cachedTracer;
  }

  private meter(): Meter {
    return (this.meterProvider ?? metrics.getMeterProvider()).getMeter(NAME, VERSION);
  }
}
