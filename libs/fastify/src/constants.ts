/** The plugin's name, as fastify-plugin and error messages know it. */
export const PLUGIN_NAME = '@keyslot/fastify';

/** The instance property the connection is decorated as. */
export const DECORATOR = 'redis';

/** Default most time the health route waits for PING replies, in ms. */
export const DEFAULT_HEALTH_TIMEOUT_MS = 2_000;
