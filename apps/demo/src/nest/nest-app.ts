import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DemoOptions } from '../demo-options.js';
import { jsonBodyParser } from '../http/json-body.js';
import { DemoModule } from './demo.module.js';

/** The demo API on NestJS (Fastify adapter). Call `init()` or `listen()` on the result. */
export async function buildNestApp(options: DemoOptions): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    DemoModule.forRoot(options),
    new FastifyAdapter(),
    {
      logger: options.logger ? ['log', 'warn', 'error'] : false,
      abortOnError: false,
    },
  );
  // The same JSON parser as the Fastify server: a body that is not JSON is a 400 naming `body`.
  app.useBodyParser('application/json', {}, jsonBodyParser(app.getHttpAdapter().getInstance()));
  app.enableShutdownHooks();
  return app;
}
