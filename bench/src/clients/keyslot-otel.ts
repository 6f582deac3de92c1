// keyslot with @keyslot/otel on, as an application would run it, in one of three setups:
// - 'none': the instrumentation registered but no OpenTelemetry SDK (the API's no-op tracer and meter, no context
//   manager): what a library that turns it on costs an application that never set up OpenTelemetry;
// - 'batch': the SDK's tracer provider (every span sampled) with a BatchSpanProcessor at its defaults, the one
//   production setups use (queue 2,048 spans, export every 5 s in batches of 512; beyond the queue it drops spans);
// - 'simple': the same with a SimpleSpanProcessor, which hands each span to the exporter as it ends.
// With the SDK: the AsyncLocalStorage context manager and a meter provider whose reader aggregates (collected only
// at the end). The exporter drops the spans: the cost measured is making them, not shipping them.
import { KeyslotInstrumentation } from '@keyslot/otel';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { ClusterAddresses, Driver } from './driver.js';
import { connectKeyslot } from './keyslot.js';

export type OtelSetup = 'none' | 'batch' | 'simple';

/** Accepts every span and keeps none. */
const dropSpans: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => {},
};

export async function connectKeyslotWithOtel(cluster: ClusterAddresses, setup: OtelSetup): Promise<Driver> {
  if (setup === 'none') {
    const instrumentation = new KeyslotInstrumentation();
    return closingAfter(await connectKeyslot(cluster), async () => instrumentation.disable());
  }
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const processor =
    setup === 'batch' ? new BatchSpanProcessor(dropSpans) : new SimpleSpanProcessor(dropSpans);
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [processor] });
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
        exportIntervalMillis: 3_600_000,
      }),
    ],
  });
  const instrumentation = new KeyslotInstrumentation({ tracerProvider, meterProvider });
  return closingAfter(await connectKeyslot(cluster), async () => {
    instrumentation.disable();
    await meterProvider.shutdown();
    await tracerProvider.shutdown();
  });
}

/** The driver, whose close() also takes down what was set up around it (after the connection has closed). */
function closingAfter(driver: Driver, teardown: () => Promise<void>): Driver {
  return {
    ...driver,
    async close() {
      await driver.close();
      await teardown();
    },
  };
}
