import 'reflect-metadata';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import { ClusterConnection } from '@keyslot/nestjs';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type DemoOptions, sessionSecretOf } from '../demo-options.js';
import { jsonBodyParser } from '../http/json-body.js';
import { sessionOptions } from '../http/sessions.js';
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
  // The admin page's sessions, on the Fastify instance under Nest, kept through the module's one connection. (The
  // adapter brings its own copy of Fastify's types, which the plugins' types do not name: hence the casts.)
  type Plugin = Parameters<typeof app.register>[0];
  await app.register(fastifyCookie as unknown as Plugin);
  await app.register(
    fastifySession as unknown as Plugin,
    sessionOptions(app.get(ClusterConnection), sessionSecretOf(options)) as never,
  );
  app.enableShutdownHooks();
  return app;
}
