// KeyslotInstrumentation enabled before any OpenTelemetry SDK exists (the API's no-op providers): it stays off the
// command channel, so keyslot builds no trace payload, and starts once an SDK registers its global providers,
// against a real redis-server started by dev-cluster.
import { Client, type ConnectionManager, commandTracing } from '@keyslot/client';
import { type DevStandalone, startStandalone, waitFor } from '@keyslot/dev-cluster';
import { metrics, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyslotInstrumentation } from '../src/index.js';

let server: DevStandalone;
let manager: ConnectionManager | undefined;
let instrumentation: KeyslotInstrumentation | undefined;
let meterProvider: MeterProvider | undefined;

beforeAll(async () => {
  server = await startStandalone();
});
afterAll(async () => {
  instrumentation?.disable();
  await manager?.close();
  await meterProvider?.shutdown();
  trace.disable();
  metrics.disable();
  await server?.stop();
});

describe('KeyslotInstrumentation without an OpenTelemetry SDK', () => {
  it('stays off the command channel until an SDK registers, then traces and observes what was created meanwhile', async () => {
    instrumentation = new KeyslotInstrumentation();
    expect(instrumentation.isEnabled).toBe(true);
    expect(commandTracing.hasSubscribers).toBe(false);
    manager = await new Client(server.url).getConnectionManager();
    await manager.set('otel:no-sdk', 'v');
    expect(commandTracing.hasSubscribers).toBe(false);

    // The SDK is set up after the instrumentation, as when an application registers its providers late.
    const spans = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
    );
    const reader = new PeriodicExportingMetricReader({
      exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
      exportIntervalMillis: 3_600_000,
    });
    meterProvider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(meterProvider);
    await waitFor(() => commandTracing.hasSubscribers, {
      timeoutMs: 5_000,
      message: 'the instrumentation to subscribe once the SDK is registered',
    });

    expect(await manager.get('otel:no-sdk')).toBe('v');
    expect(spans.getFinishedSpans().map((span) => span.name)).toEqual(['GET']);
    const { resourceMetrics } = await reader.collect();
    const gauge = resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((m) => m.descriptor.name === 'keyslot.client.pending_commands');
    // The manager was created while the instrumentation waited: it is observed all the same.
    expect(gauge?.dataPoints).toEqual([
      expect.objectContaining({
        value: 0,
        attributes: { 'server.address': '127.0.0.1', 'server.port': server.port },
      }),
    ]);

    instrumentation.disable();
    expect(commandTracing.hasSubscribers).toBe(false);
  });
});
