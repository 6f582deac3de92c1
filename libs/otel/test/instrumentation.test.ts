// KeyslotInstrumentation through the real OpenTelemetry SDK (in-memory span exporter, a metric reader collected on
// demand, the AsyncLocalStorage context manager) against a real cluster started by dev-cluster.
import diagnosticsChannel from 'node:diagnostics_channel';
import { ClusterClient, type ClusterConnection } from '@keyslot/client';
import { type DevCluster, startCluster, TcpProxy, waitFor } from '@keyslot/dev-cluster';
import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import calculateSlot from 'cluster-key-slot';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KeyslotInstrumentation } from '../src/index.js';

let cluster: DevCluster;
let conn: ClusterConnection;
const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const tracer = tracerProvider.getTracer('test');
let reader: PeriodicExportingMetricReader;
let meterProvider: MeterProvider;
let instrumentation: KeyslotInstrumentation;

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
});
afterAll(async () => {
  await cluster?.stop();
  context.disable();
});

beforeEach(async () => {
  // A fresh reader each test: cumulative metrics start from zero.
  reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  meterProvider = new MeterProvider({ readers: [reader] });
  instrumentation = new KeyslotInstrumentation({ tracerProvider, meterProvider });
  conn = await new ClusterClient(cluster.seeds).getConnection({ topologyCheckIntervalMs: 600_000 });
  spans.reset();
});
afterEach(async () => {
  instrumentation.disable();
  await conn.close();
  await meterProvider.shutdown();
});

function spansNamed(name: string): ReadableSpan[] {
  return spans.getFinishedSpans().filter((span) => span.name === name);
}

/** The owner of `key`'s slot, as the cluster says. */
async function ownerOf(key: string) {
  await cluster.refresh();
  return cluster.ownerOf(calculateSlot(key))!;
}

async function metric(name: string): Promise<MetricData | undefined> {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .find((m) => m.descriptor.name === name);
}

describe('spans', () => {
  it('makes each command a CLIENT span, child of the span active where it was awaited, across concurrent requests', async () => {
    const request = (id: number) =>
      tracer.startActiveSpan(`request ${id}`, async (parent) => {
        await conn.set(`otel:${id}`, 'v');
        await new Promise((resolve) => setImmediate(resolve));
        await conn.get(`otel:${id}`);
        parent.end();
        return parent.spanContext().spanId;
      });
    const parents = await Promise.all([request(1), request(2), request(3)]);
    const commands = spans.getFinishedSpans().filter((span) => span.name === 'SET' || span.name === 'GET');
    expect(commands).toHaveLength(6);
    for (const [index, parentId] of parents.entries()) {
      const mine = commands.filter((span) => span.parentSpanContext?.spanId === parentId);
      expect(mine.map((span) => span.name).sort()).toEqual(['GET', 'SET']);
      const owner = await ownerOf(`otel:${index + 1}`);
      for (const span of mine) {
        expect(span.kind).toBe(SpanKind.CLIENT);
        expect(span.attributes).toEqual({
          'db.system.name': 'redis',
          'db.operation.name': span.name,
          'db.namespace': '0',
          'server.address': owner.host,
          'server.port': owner.port,
        });
      }
    }
  });

  it('marks a failed command with the reply prefix as status code and error type', async () => {
    await conn.set('otel:string', 'v');
    await expect(conn.hget('otel:string', 'f')).rejects.toThrow(/WRONGTYPE/);
    const [span] = spansNamed('HGET');
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes).toMatchObject({
      'error.type': 'WRONGTYPE',
      'db.response.status_code': 'WRONGTYPE',
    });
    expect(span!.events.map((event) => event.name)).toEqual(['exception']);
  });

  it('gives a batch and a transaction their size, and the command text only when the connection opts in', async () => {
    const batch = conn.batch();
    batch.set('otel:b1', 'secret');
    batch.get('otel:b2');
    await batch.exec();
    expect(spansNamed('PIPELINE')[0]!.attributes['db.operation.batch.size']).toBe(2);
    const multi = conn.multi();
    multi.set('{otel}:a', 'secret');
    multi.get('{otel}:a');
    await multi.exec();
    expect(spansNamed('MULTI')[0]!.attributes['db.operation.batch.size']).toBe(2);
    expect(spans.getFinishedSpans().some((span) => 'db.query.text' in span.attributes)).toBe(false);

    const withText = await new ClusterClient(cluster.seeds).getConnection({ traceCommandText: true });
    try {
      await withText.set('otel:text', 'secret');
    } finally {
      await withText.close();
    }
    const text = spans.getFinishedSpans().map((span) => span.attributes['db.query.text']);
    expect(text).toContain('SET otel:text [1 other arguments]');
    expect(JSON.stringify(text)).not.toContain('secret');
  });

  it('makes one span and one duration measurement for a command split across slots, like a fan-out', async () => {
    const keys = ['otel:split:a', 'otel:split:b', 'otel:split:c', 'otel:split:d'];
    const owners = new Set(await Promise.all(keys.map(async (key) => (await ownerOf(key)).address)));
    expect(owners.size).toBeGreaterThan(1);
    await tracer.startActiveSpan('request', async (parent) => {
      await conn.mget(...keys);
      await conn.dbsize();
      parent.end();
    });
    expect(spansNamed('MGET')).toHaveLength(1);
    expect(spansNamed('DBSIZE')).toHaveLength(1);
    const points = (await metric('db.client.operation.duration'))!.dataPoints as DataPoint<Histogram>[];
    const mgets = points.filter((p) => p.attributes['db.operation.name'] === 'MGET');
    expect(mgets.reduce((sum, p) => sum + p.value.count, 0)).toBe(1);
  });

  it('makes only parented spans with requireParentSpan, and nothing at all once disabled', async () => {
    instrumentation.setConfig({ tracerProvider, meterProvider, requireParentSpan: true });
    await conn.get('otel:orphan');
    await tracer.startActiveSpan('parent', async (parent) => {
      await conn.get('otel:child');
      parent.end();
    });
    expect(spansNamed('GET')).toHaveLength(1);
    instrumentation.disable();
    expect(diagnosticsChannel.tracingChannel('keyslot:command').hasSubscribers).toBe(false);
    await conn.get('otel:after');
    expect(spansNamed('GET')).toHaveLength(1);
  });
});

describe('metrics', () => {
  it('records command durations per operation and node', async () => {
    for (let i = 0; i < 10; i++) await conn.set(`otel:m${i}`, 'v');
    await conn.get('otel:m0');
    const duration = await metric('db.client.operation.duration');
    expect(duration?.descriptor.unit).toBe('s');
    const points = duration!.dataPoints as DataPoint<Histogram>[];
    const sets = points.filter((p) => p.attributes['db.operation.name'] === 'SET');
    expect(sets.reduce((sum, p) => sum + p.value.count, 0)).toBe(10);
    // One series per node that answered: every key's owner appears.
    const nodes = new Set(
      sets.map((p) => `${p.attributes['server.address']}:${p.attributes['server.port']}`),
    );
    for (let i = 0; i < 10; i++) expect(nodes).toContain((await ownerOf(`otel:m${i}`)).address);
    const get = points.find((p) => p.attributes['db.operation.name'] === 'GET')!;
    expect(get.value.count).toBe(1);
    expect(get.value.sum).toBeGreaterThan(0);
  });

  it('reports the commands pending on a node that stopped answering', async () => {
    const key = 'otel:pending';
    const owner = await ownerOf(key);
    await conn.get(key);
    await cluster.pause(owner);
    try {
      const reads = Array.from({ length: 5 }, () => conn.get(key).catch(() => undefined));
      await waitFor(
        async () => {
          const pending = await metric('keyslot.client.pending_commands');
          const point = pending?.dataPoints.find((p) => p.attributes['server.port'] === owner.port);
          return point?.value === 5;
        },
        { timeoutMs: 5_000, message: `the gauge to show 5 commands pending on ${owner.address}` },
      );
      await cluster.resume(owner);
      await Promise.all(reads);
    } finally {
      await cluster.resume(owner);
    }
    const after = await metric('keyslot.client.pending_commands');
    expect(after?.dataPoints.find((p) => p.attributes['server.port'] === owner.port)?.value).toBe(0);
  });

  it('counts client-side cache hits and misses by command, and reports the hit ratio', async () => {
    const cached = await new ClusterClient(cluster.seeds).getConnection({ cache: {} });
    try {
      await cached.set('otel:cached', 'v');
      for (let i = 0; i < 4; i++) expect(await cached.get('otel:cached')).toBe('v');
      expect(cached.cache!.stats()).toMatchObject({ hits: 3, misses: 1 });
      const lookups = await metric('keyslot.client.cache.lookups');
      expect(lookups!.dataPoints).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            value: 3,
            attributes: { 'keyslot.cache.result': 'hit', 'db.operation.name': 'GET' },
          }),
          expect.objectContaining({
            value: 1,
            attributes: { 'keyslot.cache.result': 'miss', 'db.operation.name': 'GET' },
          }),
        ]),
      );
      expect((await metric('keyslot.client.cache.hit_ratio'))!.dataPoints[0]!.value).toBe(0.75);
    } finally {
      await cached.close();
    }
  });

  it('counts redirects, reconnects and topology refreshes as they happen', async () => {
    const key = 'otel:moving';
    const from = await ownerOf(key);
    const to = cluster.primaries.find((node) => node.id !== from.id)!;
    await conn.set(key, 'v');
    await cluster.moveSlots([calculateSlot(key)], to);
    expect(await conn.get(key)).toBe('v');
    // Kill this client's connections to the new owner: the next command reconnects.
    await cluster.admin(to, 'CLIENT', 'KILL', 'TYPE', 'normal');
    await waitFor(
      () =>
        conn.get(key).then(
          (v) => v === 'v',
          () => false,
        ),
      {
        timeoutMs: 5_000,
        message: 'the client to reconnect',
      },
    );
    await waitFor(async () => (await metric('keyslot.client.reconnects')) !== undefined, {
      timeoutMs: 5_000,
      message: 'a reconnect to be counted',
    });
    const redirects = await metric('keyslot.client.redirects');
    expect(redirects!.dataPoints).toEqual([
      expect.objectContaining({
        value: 1,
        attributes: expect.objectContaining({ 'keyslot.redirect.kind': 'MOVED', 'server.port': from.port }),
      }),
    ]);
    const reconnects = await metric('keyslot.client.reconnects');
    expect(reconnects!.dataPoints).toContainEqual(
      expect.objectContaining({ attributes: { 'server.address': to.host, 'server.port': to.port } }),
    );
    const refreshes = await metric('keyslot.client.topology.refreshes');
    const total = refreshes!.dataPoints.reduce((sum, p) => sum + (p.value as number), 0);
    expect(total).toBeGreaterThan(0);
  });

  it('counts a reconnect once the lost connection is open again, in stats() and the metric alike', async () => {
    const key = 'otel:reconnect';
    const owner = await ownerOf(key);
    // The owner is reached through a proxy: it can refuse new connections while the open one is cut.
    const proxy = await TcpProxy.start(owner);
    const proxied = await new ClusterClient(cluster.seeds, {
      natMap: (address) => (address.port === owner.port ? { host: '127.0.0.1', port: proxy.port } : address),
    }).getConnection({ topologyCheckIntervalMs: 600_000, backoff: { baseMs: 20, maxMs: 100 } });
    const reconnectsCounted = async () =>
      ((await metric('keyslot.client.reconnects'))?.dataPoints ?? []).reduce(
        (sum, p) => sum + (p.value as number),
        0,
      );
    try {
      await proxied.set(key, 'v');
      const start = proxied.stats();
      proxy.refuseNewConnections();
      proxy.cut();
      await waitFor(() => proxied.stats().disconnects > start.disconnects && proxy.stats().refused > 0, {
        timeoutMs: 5_000,
        message: 'the connection to be lost and a reconnect refused',
      });
      // Lost and not open again: no reconnect yet, in either count.
      expect(proxied.stats().reconnects - start.reconnects).toBe(0);
      expect(await reconnectsCounted()).toBe(0);

      proxy.forwardNewConnections();
      expect(await proxied.get(key)).toBe('v');
      await waitFor(() => proxied.stats().reconnects > start.reconnects, {
        timeoutMs: 5_000,
        message: 'the reconnect to be counted',
      });
      expect(proxied.stats().reconnects - start.reconnects).toBe(1);
      expect(await reconnectsCounted()).toBe(1);
    } finally {
      await proxied.close();
      await proxy.close();
    }
  });
});
