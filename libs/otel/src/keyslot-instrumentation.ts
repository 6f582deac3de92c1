import diagnosticsChannel from 'node:diagnostics_channel';
import { CHANNELS, type ConnectionCreatedEvent, type ObservableConnection } from '@keyslot/client';
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
import { CommandSpans, type CommandsInFlight } from './command-spans.js';
import { sdkPresent } from './sdk-presence.js';

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
/** How often an instrumentation enabled without an SDK looks again for one registered since. */
const SDK_CHECK_MS = 1_000;

/**
 * OpenTelemetry traces and metrics for every keyslot connection in the process, from keyslot's diagnostics
 * channels: a CLIENT span per command (a child of the active span, named after the operation, with the database
 * semantic conventions' attributes), the `db.client.operation.duration` histogram per operation and node, pending
 * commands per node, and counters of redirects, reconnects, retries, stuck connections, topology refreshes and
 * cache lookups. Costs nothing until enabled; `disable()` unsubscribes. Enabled without an OpenTelemetry SDK (the
 * API's no-op tracer and meter providers), it stays off the command channel, so keyslot builds no trace payload,
 * and looks again every second for an SDK registered since (or at once on `setTracerProvider`/`setMeterProvider`).
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
  /** Kept across restarts: a command started before one is finished by the spans made after it. */
  private readonly commandsInFlight: CommandsInFlight = new WeakMap();
  private enabled = false;
  /** While enabled without an SDK: the timer that looks for one, and the connections to observe once it is there. */
  private sdkCheck: NodeJS.Timeout | undefined;
  private readonly waitingToObserve = new Set<ObservableConnection>();
  private readonly collect = (message: unknown): void => {
    this.remember((message as ConnectionCreatedEvent).connection);
  };

  constructor(config: KeyslotInstrumentationConfig = {}) {
    this.config = { enabled: true, ...config };
    this.tracerProvider = config.tracerProvider;
    this.meterProvider = config.meterProvider;
    if (this.config.enabled) this.enable();
  }

  /** Subscribes to keyslot's channels (once an OpenTelemetry SDK is set up); idempotent. */
  enable(): void {
    if (this.enabled) return;
    this.enabled = true;
    this.start();
  }

  /** Unsubscribes: keyslot's commands then build no trace payload at all. Idempotent. */
  disable(): void {
    this.enabled = false;
    // The open connections observed so far are kept for a later enable(), as across a restart: none is created again.
    for (const connection of this.metrics?.observed ?? []) this.waitingToObserve.add(connection);
    this.stop();
    for (const kept of this.waitingToObserve) if (!kept.isOpen) this.waitingToObserve.delete(kept);
  }

  /** True while enabled (subscribed, or waiting for an OpenTelemetry SDK to be set up). */
  get isEnabled(): boolean {
    return this.enabled;
  }

  private start(): void {
    if (!sdkPresent(this.currentTracerProvider(), this.currentMeterProvider(), NAME)) {
      this.waitForSdk();
      return;
    }
    const clientMetrics = new ClientMetrics(this.meter());
    const duration: Histogram = clientMetrics.duration;
    this.metrics = clientMetrics;
    this.spans = new CommandSpans(
      {
        tracer: () => this.tracer(),
        duration: () => duration,
        requireParentSpan: this.config.requireParentSpan === true,
      },
      this.commandsInFlight,
    );
    clientMetrics.subscribe();
    this.spans.subscribe();
    for (const connection of this.waitingToObserve) clientMetrics.observe(connection);
    this.waitingToObserve.clear();
  }

  private stop(): void {
    if (this.sdkCheck !== undefined) {
      clearInterval(this.sdkCheck);
      this.sdkCheck = undefined;
      diagnosticsChannel.unsubscribe(CHANNELS.connection, this.collect);
    }
    this.spans?.unsubscribe();
    this.metrics?.unsubscribe();
    this.spans = undefined;
    this.metrics = undefined;
  }

  /** Only the rare connection event meanwhile (to observe those connections later), and a look each second. */
  private waitForSdk(): void {
    diagnosticsChannel.subscribe(CHANNELS.connection, this.collect);
    this.sdkCheck = setInterval(() => {
      if (!sdkPresent(this.currentTracerProvider(), this.currentMeterProvider(), NAME)) return;
      this.stop();
      this.start();
    }, SDK_CHECK_MS);
    this.sdkCheck.unref();
  }

  /** Made again with the providers and options in effect now; the connections observed so far stay observed. */
  private restart(): void {
    if (!this.enabled) return;
    for (const connection of this.metrics?.observed ?? []) this.waitingToObserve.add(connection);
    this.stop();
    this.start();
  }

  /**
   * Reports a connection's pending commands per node: a cluster connection's, or a standalone `ConnectionManager`'s
   * (its server as the one node). Connections created while enabled are reported by themselves; this is for one
   * created before.
   */
  observe(connection: ObservableConnection): void {
    if (this.metrics !== undefined) this.metrics.observe(connection);
    else if (this.enabled) this.remember(connection);
  }

  /** Keeps a connection to observe once an SDK is there; closed ones are let go, so waiting holds no dead ones. */
  private remember(connection: ObservableConnection): void {
    for (const kept of this.waitingToObserve) if (!kept.isOpen) this.waitingToObserve.delete(kept);
    this.waitingToObserve.add(connection);
  }

  /** Takes effect at once (and starts the instrumentation if it was waiting for an SDK). */
  setTracerProvider(provider: TracerProvider): void {
    this.tracerProvider = provider;
    this.cachedTracer = undefined;
    if (this.enabled && this.metrics === undefined) this.restart();
  }

  /** Takes effect at once: the instruments are made again on the new provider. */
  setMeterProvider(provider: MeterProvider): void {
    this.meterProvider = provider;
    this.restart();
  }

  getConfig(): KeyslotInstrumentationConfig {
    return this.config;
  }

  setConfig(config: KeyslotInstrumentationConfig): void {
    this.config = { enabled: this.config.enabled, ...config };
    this.restart();
  }

  private tracer(): Tracer {
    this.cachedTracer ??= this.currentTracerProvider().getTracer(NAME, VERSION);
    return this.cachedTracer;
  }

  private meter(): Meter {
    return this.currentMeterProvider().getMeter(NAME, VERSION);
  }

  private currentTracerProvider(): TracerProvider {
    return this.tracerProvider ?? trace.getTracerProvider();
  }

  private currentMeterProvider(): MeterProvider {
    return this.meterProvider ?? metrics.getMeterProvider();
  }
}
