import type { ClusterConnection } from '@keyslot/client';
import type { FastifyPluginAsync } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { checkOptions } from './check-options.js';
import { DECORATOR, PLUGIN_NAME } from './constants.js';
import { PluginAlreadyRegisteredError } from './errors.js';
import { registerHealthRoute } from './health-route.js';
import { openConnection } from './open-connection.js';
import type { KeyslotPluginOptions } from './options.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The one `ClusterConnection` every route shares, decorated by `@keyslot/fastify`. */
    redis: ClusterConnection;
  }
}

const plugin: FastifyPluginAsync<KeyslotPluginOptions> = async (app, options) => {
  // Refuse a second registration before anything is created, so it cannot open (and leak) a connection.
  if (app.hasDecorator(DECORATOR)) throw new PluginAlreadyRegisteredError();
  const { plan, health, instrumentation } = checkOptions(options);
  // On before connecting, so the first connections and topology are seen; off with the instance.
  instrumentation?.enable();
  let opened: Awaited<ReturnType<typeof openConnection>>;
  try {
    opened = await openConnection(plan, app.initialConfig.pluginTimeout);
  } catch (error) {
    instrumentation?.disable();
    throw error;
  }
  const { connection, closeOnClose } = opened;
  if (instrumentation) {
    instrumentation.observe(connection);
    app.addHook('onClose', () => instrumentation.disable());
  }
  app.decorate(DECORATOR, connection);
  // Fastify runs onClose hooks after the server stopped accepting and in-flight requests finished, and also
  // when a later plugin made ready() fail; close() itself lets commands already sent finish.
  if (closeOnClose) app.addHook('onClose', () => connection.close());
  if (health) registerHealthRoute(app, health);
};

/**
 * The Fastify plugin: decorates the instance with one `ClusterConnection` as `app.redis`.
 *
 * ```ts
 * const app = Fastify();
 * await app.register(keyslot, { nodes: ['127.0.0.1:7000'], healthRoute: '/health/redis' });
 * app.get<{ Params: { id: string } }>('/users/:id', (request) => app.redis.get(`user:${request.params.id}`));
 * ```
 *
 * With `nodes`, the plugin connects during registration (failing with the client's error, before Fastify's
 * plugin timeout, when the cluster cannot be reached) and closes the connection when the instance closes. With
 * `client`, it adopts an existing connection and closes it only when `closeConnection: true`. A second
 * registration fails with `PluginAlreadyRegisteredError`.
 */
export const keyslot = fastifyPlugin(plugin, { name: PLUGIN_NAME, fastify: '5.x' });
