import { KeyslotInstrumentation } from '@keyslot/otel';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { type LatencySummary, NodeLatency } from './node-latency.js';

/**
 * The demo's observability: `@keyslot/otel` feeding an OpenTelemetry meter whose Prometheus exporter `GET /metrics`
 * serves (no server of its own), and per-node latency percentiles for the status page. The framework integration
 * enables the instrumentation (its `instrumentation` option) and disables it on shutdown; `close()` ends the rest.
 */
export class DemoTelemetry {
  private readonly exporter = new PrometheusExporter({ preventServerStart: true });
  private readonly meterProvider = new MeterProvider({ readers: [this.exporter] });
  private readonly serializer = new PrometheusSerializer();
  private readonly latency = new NodeLatency();
  /** For `KeyslotModule.forRoot({ instrumentation })` / `app.register(keyslot, { instrumentation })`. */
  readonly instrumentation = new KeyslotInstrumentation({
    meterProvider: this.meterProvider,
    enabled: false,
  });

  /** The metrics in Prometheus' text format. */
  async metricsText(): Promise<string> {
    const { resourceMetrics } = await this.exporter.collect();
    return this.serializer.serialize(resourceMetrics);
  }

  /** Latency percentiles of each node's recent commands, in ms. */
  latencyByNode(): Record<string, LatencySummary> {
    return this.latency.summary();
  }

  async close(): Promise<void> {
    this.latency.stop();
    this.instrumentation.disable();
    await this.meterProvider.shutdown();
  }
}
