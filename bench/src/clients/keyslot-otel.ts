// keyslot with @keyslot/otel on, as an application would run it: the OpenTelemetry SDK's tracer provider (every
// span sampled, ended spans handed to a span processor whose exporter drops them), the AsyncLocalStorage context
// manager, and a meter provider whose reader aggregates (collected only at the end). What it costs over `keyslot`
// is the instrumentation's cost per command.
import { KeyslotInstrumentation } from '@keyslot/otel';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ClusterAddresses, Driver } from './driver.js';
import { connectKeyslot } from './keyslot.js';

/** Accepts every span and keeps none: the cost measured is making them, not shipping them. */
const dropSpans: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => {},
};

export async function connectKeyslotWithOtel(cluster: ClusterAddresses): Promise<Driver> {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(dropSpans)] });
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
        exportIntervalMillis: 3_600_000,
      }),
    ],
  });
  const instrumentation = new KeyslotInstrumentation({ tracerProvider, meterProvider });
  const driver = await connectKeyslot(cluster);
  return {
    ...driver,
    async close() {
      await driver.close();
      instrumentation.disable();
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
    },
  };
}
