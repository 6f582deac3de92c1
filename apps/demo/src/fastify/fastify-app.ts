import fastifyCookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifySession from '@fastify/session';
import keyslot from '@keyslot/fastify';
import { keyslotRateLimitStore } from '@keyslot/fastify/rate-limit';
import { createCache } from 'cache-manager';
import Fastify, { type FastifyInstance } from 'fastify';
import { DEMO_CLIENT_NAME, DEMO_CONNECTION, type DemoOptions, sessionSecretOf } from '../demo-options.js';
import { DemoApi } from '../http/demo-api.js';
import { DemoTelemetry } from '../http/demo-telemetry.js';
import { frameworkError, routeNotFound } from '../http/http-errors.js';
import { jsonBodyParser } from '../http/json-body.js';
import { linkCacheKeyv } from '../http/link-cache.js';
import {
  RATE_LIMIT_MAX,
  RATE_LIMIT_PREFIX,
  RATE_LIMIT_WINDOW_MS,
  RateLimitedError,
  rateLimitClient,
} from '../http/rate-limit.js';
import { sendResult as send } from '../http/send-result.js';
import { sessionOptions } from '../http/sessions.js';
import { STATUS_PAGE } from '../http/status-page.js';

/**
 * The demo API on plain Fastify, with the ClusterConnection from `@keyslot/fastify` (`app.redis`). The rate limit
 * (`@fastify/rate-limit`), the link cache (`cache-manager` with `@keyslot/keyv`) and the admin sessions
 * (`@fastify/session`) all keep their data through that one connection.
 */
export async function buildFastifyApp(options: DemoOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false });
  const telemetry = new DemoTelemetry();
  app.addHook('onClose', () => telemetry.close());
  await app.register(keyslot, {
    nodes: options.nodes,
    clientOptions: { clientName: options.clientName ?? DEMO_CLIENT_NAME },
    connection: options.connection ?? DEMO_CONNECTION,
    instrumentation: telemetry.instrumentation,
  });
  await app.register(rateLimit, {
    global: false,
    store: keyslotRateLimitStore(app.redis, { prefix: RATE_LIMIT_PREFIX }),
    keyGenerator: rateLimitClient,
    errorResponseBuilder: (_request, context) => new RateLimitedError(context.ttl),
  });
  await app.register(fastifyCookie);
  await app.register(fastifySession, sessionOptions(app.redis, sessionSecretOf(options)));
  const api = new DemoApi(app.redis, {
    cache: createCache({ stores: [linkCacheKeyv(app.redis)] }),
    adminPassword: options.adminPassword,
    telemetry,
  });
  // Bad JSON, unknown routes and other framework errors in the API's format, exactly as the NestJS server does.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBodyParser(app));
  app.setErrorHandler((error, request, reply) => send(reply, frameworkError(error, request)));
  app.setNotFoundHandler((request, reply) => send(reply, routeNotFound(request)));

  app.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').send(STATUS_PAGE));
  app.post(
    '/links',
    { config: { rateLimit: { max: RATE_LIMIT_MAX, timeWindow: RATE_LIMIT_WINDOW_MS } } },
    async (request, reply) => send(reply, await api.createLink(request.body)),
  );
  app.post('/links/lookup', async (request, reply) => send(reply, await api.lookup(request.body)));
  app.get<{ Params: { code: string } }>('/links/:code', async (request, reply) =>
    send(reply, await api.resolveLink(request.params.code)),
  );
  app.get<{ Params: { code: string } }>('/links/:code/info', async (request, reply) =>
    send(reply, await api.linkInfo(request.params.code)),
  );
  app.get<{ Querystring: { limit?: string } }>('/leaderboard', async (request, reply) =>
    send(reply, await api.leaderboard(request.query.limit)),
  );
  app.get('/cluster', async (_request, reply) => send(reply, await api.cluster()));
  app.get('/health', async (_request, reply) => send(reply, await api.health()));
  app.get('/metrics', async (_request, reply) => send(reply, await api.metrics()));
  app.get('/admin', async (request, reply) => send(reply, await api.adminPage(request)));
  app.post('/admin/login', async (request, reply) =>
    send(reply, await api.adminLogin(request, request.body)),
  );
  app.post('/admin/logout', async (request, reply) => send(reply, await api.adminLogout(request)));
  return app;
}
