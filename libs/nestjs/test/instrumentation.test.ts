// One option turns OpenTelemetry on: KeyslotModule.forRoot({ nodes, instrumentation: new KeyslotInstrumentation() }),
// with the real @keyslot/otel and the OpenTelemetry SDK's in-memory exporters, against the shared real cluster.
import diagnosticsChannel from 'node:diagnostics_channel';
import { ConfigError } from '@keyslot/client';
import { ClusterConnection, KeyslotModule } from '@keyslot/nestjs';
import { KeyslotInstrumentation } from '@keyslot/otel';
import { Controller, Get, Module, Param } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { startFastifyApp } from './support/fastify-app.js';
import { sharedSeeds } from './support/shared-seeds.js';

@Controller('values')
class ValuesController {
  constructor(private readonly redis: ClusterConnection) {}

  @Get(':key')
  async read(@Param('key') key: string): Promise<{ value: string | null }> {
    return { value: await this.redis.get(`otel-nest:${key}`) };
  }
}

async function startApp(instrumentation: unknown): Promise<NestFastifyApplication> {
  @Module({
    imports: [
      KeyslotModule.forRoot({
        nodes: sharedSeeds(),
        instrumentation: instrumentation as KeyslotInstrumentation,
      }),
    ],
    controllers: [ValuesController],
  })
  class AppModule {}
  return startFastifyApp(AppModule);
}

describe('KeyslotModule instrumentation option', () => {
  it('makes a span for each command a route sends, and turns off at shutdown', async () => {
    const spans = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    const app = await startApp(new KeyslotInstrumentation({ tracerProvider, enabled: false }));
    try {
      const response = await app.inject({ method: 'GET', url: '/values/a' });
      expect(response.statusCode).toBe(200);
      const get = spans.getFinishedSpans().find((span) => span.name === 'GET');
      expect(get?.attributes).toMatchObject({ 'db.system.name': 'redis', 'db.operation.name': 'GET' });
    } finally {
      await app.close();
    }
    expect(diagnosticsChannel.tracingChannel('keyslot:command').hasSubscribers).toBe(false);
  });

  it('refuses something that is not an instrumentation, with a ConfigError naming the option', async () => {
    const error = await startApp({ enable: true }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(
      /instrumentation must have enable\(\), disable\(\) and observe/,
    );
  });
});
