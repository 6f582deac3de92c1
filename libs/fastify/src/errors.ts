import { PLUGIN_NAME } from './constants.js';

/**
 * `@keyslot/fastify` was registered a second time on the same instance (or `app.redis` is taken by another
 * plugin, e.g. `@fastify/redis`). Raised before anything is created, so the second registration opens nothing.
 */
export class PluginAlreadyRegisteredError extends Error {
  /** Stable code to branch on. */
  readonly code = 'ERR_KEYSLOT_FASTIFY_ALREADY_REGISTERED' as const;

  constructor() {
    super(
      `${PLUGIN_NAME} is already registered on this Fastify instance (app.redis is taken): register it once, ` +
        'at the root, and let every route share app.redis; to serve another cluster, create a second ' +
        'ClusterConnection with ClusterClient instead',
    );
    this.name = 'PluginAlreadyRegisteredError';
  }
}
