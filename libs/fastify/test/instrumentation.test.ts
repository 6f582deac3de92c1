// One option turns OpenTelemetry on: app.register(keyslot, { nodes, instrumentation: new KeyslotInstrumentation() }),
// with the real @keyslot/otel and the OpenTelemetry SDK's in-memory exporters, against a real cluster.
import diagnosticsChannel from 'node:diagnostics_channel';
import { ConfigError } from '@keyslot/client';
import { type DevCluster, startCluster } from '@keyslot/dev-cluster';
import { KeyslotInstrumentation } from '@keyslot/otel';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyslot } from '../src/index.js';

let cluster: DevCluster;
beforeAll(async () => {
  cluster = await startCluster({ primaries: 3, replicasPerPrimary: 0 });
});
afterAll(async () => {
  await cluster?.stop();
});

describe('the instrumentation option', () => {
  it('makes a span for each command a route sends, and turns off when the instance closes', async () => {
    const spans = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    const app = Fastify();
    try {
      await app.register(keyslot, {
        nodes: cluster.seeds,
        instrumentation: new KeyslotInstrumentation({ tracerProvider, enabled: false }),
      });
      app.get('/value', async () => ({ value: await app.redis.get('otel-fastify:a') }));
      const response = await app.inject({ method: 'GET', url: '/value' });
      expect(response.statusCode).toBe(200);
      const get = spans.getFinishedSpans().find((span) => span.name === 'GET');
      expect(get?.attributes).toMatchObject({ 'db.system.name': 'redis', 'db.operation.name': 'GET' });
    } finally {
      await app.close();
    }
    expect(diagnosticsChannel.tracingChannel('keyslot:command').hasSubscribers).toBe(false);
  });

  it('refuses something that is not an instrumentation before connecting, with a ConfigError', async () => {
    const app = Fastify();
    try {
      const error = await app
        .register(keyslot, { nodes: cluster.seeds, instrumentation: {} as KeyslotInstrumentation })
        .then(
          () => undefined,
          (reason: unknown) => reason,
        );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toMatch(/@keyslot\/fastify: instrumentation must have/);
    } finally {
      await app.close();
    }
  });
});
