/**
 * @keyslot/fastify: a Fastify plugin that decorates the instance with one keyslot `ClusterConnection`.
 *
 * @packageDocumentation
 * @module @keyslot/fastify
 */

export { PluginAlreadyRegisteredError } from './errors.js';
export type { HealthReport } from './health-check.js';
export type {
  KeyslotAdoptOptions,
  KeyslotConnectOptions,
  KeyslotHealthOptions,
  KeyslotPluginOptions,
} from './options.js';
export { keyslot, keyslot as default } from './plugin.js';
