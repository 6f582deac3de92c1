import keyslot from '@keyslot/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { DEMO_CONNECTION, type DemoOptions } from '../demo-options.js';
import { DemoApi } from '../http/demo-api.js';
import { frameworkError, routeNotFound } from '../http/http-errors.js';
import { jsonBodyParser } from '../http/json-body.js';
import { sendResult as send } from '../http/send-result.js';
import { STATUS_PAGE } from '../http/status-page.js';

/** The demo API on plain Fastify, with the ClusterConnection from `@keyslot/fastify` (`app.redis`). */
export async function buildFastifyApp(options: DemoOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false });
  await app.register(keyslot, { nodes: options.nodes, connection: options.connection ?? DEMO_CONNECTION });
  const api = new DemoApi(app.redis);
  // Bad JSON, unknown routes and other framework errors in the API's format, exactly as the NestJS server does.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBodyParser(app));
  app.setErrorHandler((error, request, reply) => send(reply, frameworkError(error, request)));
  app.setNotFoundHandler((request, reply) => send(reply, routeNotFound(request)));

  app.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').send(STATUS_PAGE));
  app.post('/links', async (request, reply) =>
    send(reply, await api.createLink(request.body, request.headers['x-client-id'] ?? request.ip)),
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
  return app;
}
