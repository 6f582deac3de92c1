// The pending-commands gauge for a standalone ConnectionManager, through the real OpenTelemetry SDK (a metric
// reader collected on demand) against a real redis-server started by dev-cluster and paused for real (SIGSTOP).
import { Client, type ConnectionManager } from '@keyslot/client';
import { type DevStandalone, startStandalone, waitFor } from '@keyslot/dev-cluster';
import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KeyslotInstrumentation } from '../src/index.js';

let server: DevStandalone;
let reader: PeriodicExportingMetricReader;
let meterProvider: MeterProvider;
let instrumentation: KeyslotInstrumentation;

beforeAll(async () => {
  server = await startStandalone();
});
afterAll(async () => {
  await server?.stop();
});

beforeEach(() => {
  reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  meterProvider = new MeterProvider({ readers: [reader] });
  instrumentation = new KeyslotInstrumentation({ meterProvider, enabled: false });
});
afterEach(async () => {
  instrumentation.disable();
  if (server.state === 'paused') await server.resume();
  await meterProvider.shutdown();
});

/** The gauge's points for this server (the one node of a standalone connection). */
async function pendingPoints(): Promise<DataPoint<number>[]> {
  const { resourceMetrics } = await reader.collect();
  const gauge = resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .find((m) => m.descriptor.name === 'keyslot.client.pending_commands');
  return ((gauge?.dataPoints ?? []) as DataPoint<number>[]).filter(
    (point) => point.attributes['server.port'] === server.port,
  );
}

/** Sends `count` reads to the paused server and waits for the gauge to show them all, then lets them finish. */
async function expectGaugeToCount(manager: ConnectionManager, count: number): Promise<void> {
  await server.pause();
  const reads = Array.from({ length: count }, () => manager.get('otel:standalone'));
  await waitFor(async () => (await pendingPoints())[0]?.value === count, {
    timeoutMs: 5_000,
    message: `the gauge to show ${count} commands pending on ${server.address}`,
  });
  await server.resume();
  await Promise.all(reads);
}

describe('keyslot.client.pending_commands for a standalone ConnectionManager', () => {
  it('reports a manager created while enabled, its server as the node, back to 0 once answered', async () => {
    instrumentation.enable();
    const manager = await new Client(server.url).getConnectionManager();
    try {
      await expectGaugeToCount(manager, 4);
      expect(await pendingPoints()).toEqual([
        expect.objectContaining({
          value: 0,
          attributes: { 'server.address': '127.0.0.1', 'server.port': server.port },
        }),
      ]);
    } finally {
      await manager.close();
    }
  });

  it('keeps reporting a manager created while enabled after disable() and enable() again', async () => {
    instrumentation.enable();
    const manager = await new Client(server.url).getConnectionManager();
    try {
      instrumentation.disable();
      instrumentation.enable();
      await expectGaugeToCount(manager, 2);
    } finally {
      await manager.close();
    }
  });

  it('reports a manager created before enable() once it is passed to observe()', async () => {
    const manager = await new Client(server.url).getConnectionManager();
    try {
      instrumentation.enable();
      expect(await pendingPoints()).toEqual([]);
      instrumentation.observe(manager);
      await expectGaugeToCount(manager, 3);
    } finally {
      await manager.close();
    }
  });
});
