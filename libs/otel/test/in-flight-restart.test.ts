// A command in flight while the instrumentation is made again (setMeterProvider, as registerInstrumentations and
// NodeSDK call it, or setConfig) still gets its span ended and its duration recorded, against a real
// redis-server started by dev-cluster.
import { Client, type ConnectionManager } from '@keyslot/client';
import { type DevStandalone, startStandalone, waitFor } from '@keyslot/dev-cluster';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
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
let manager: ConnectionManager;
const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });

beforeAll(async () => {
  server = await startStandalone();
  manager = await new Client(server.url).getConnectionManager();
});
afterAll(async () => {
  await manager?.close();
  await server?.stop();
});

function meterWithReader(): { meterProvider: MeterProvider; reader: PeriodicExportingMetricReader } {
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  return { meterProvider: new MeterProvider({ readers: [reader] }), reader };
}

/** Sends GET to the paused server, runs `remake` while it is pending, then lets the server answer. */
async function getAcross(remake: () => void): Promise<void> {
  await server.pause();
  try {
    const reply = manager.get('otel:in-flight');
    await waitFor(() => manager.pending > 0, { timeoutMs: 5_000, message: 'the GET to be pending' });
    remake();
    await server.resume();
    await reply;
  } finally {
    await server.resume();
  }
}

describe('a command in flight while the instrumentation is made again', () => {
  it('ends its span and records its duration across setMeterProvider', async () => {
    const first = meterWithReader();
    const second = meterWithReader();
    const instrumentation = new KeyslotInstrumentation({
      tracerProvider,
      meterProvider: first.meterProvider,
    });
    spans.reset();
    try {
      await getAcross(() => instrumentation.setMeterProvider(second.meterProvider));
      expect(spans.getFinishedSpans().map((span) => span.name)).toEqual(['GET']);
      const { resourceMetrics } = await second.reader.collect();
      const duration = resourceMetrics.scopeMetrics
        .flatMap((scope) => scope.metrics)
        .find((m) => m.descriptor.name === 'db.client.operation.duration');
      const points = (duration?.dataPoints ?? []) as DataPoint<Histogram>[];
      expect(points.map((p) => [p.attributes['db.operation.name'], p.value.count])).toEqual([['GET', 1]]);
    } finally {
      instrumentation.disable();
      await first.meterProvider.shutdown();
      await second.meterProvider.shutdown();
    }
  });

  it('ends its span across setConfig', async () => {
    const { meterProvider } = meterWithReader();
    const instrumentation = new KeyslotInstrumentation({ tracerProvider, meterProvider });
    spans.reset();
    try {
      await getAcross(() => instrumentation.setConfig({ requireParentSpan: false }));
      expect(spans.getFinishedSpans().map((span) => span.name)).toEqual(['GET']);
    } finally {
      instrumentation.disable();
      await meterProvider.shutdown();
    }
  });
});
