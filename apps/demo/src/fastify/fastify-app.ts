import keyslot from '@keyslot/fastify';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { DEMO_CONNECTION, type DemoOptions } from '../demo-options.js';
import { DemoApi, type HttpResult } from '../http/demo-api.js';
import { STATUS_PAGE } from '../http/status-page.js';

/** The demo API on plain Fastify, with the ClusterConnection from `@keyslot/fastify` (`app.redis`). */
export async function buildFastifyApp(options: DemoOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false });
  await app.register(keyslot, { nodes: options.nodes, connection: options.connection ?? DEMO_CONNECTION });
  const api = new DemoApi(app.redis);

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

function send(reply: FastifyReply, result: HttpResult): FastifyReply {
  if (result.headers) reply.headers(result.headers);
  return reply.code(result.status).send(result.body);
}
