/**
 * @keyslot/nestjs/health: the `@nestjs/terminus` health indicator. A separate entry point, so that
 * `@nestjs/terminus` stays an optional peer dependency and applications without it never load it.
 *
 * @packageDocumentation
 * @module @keyslot/nestjs/health
 */
export { ClusterHealthIndicator, type ClusterHealthOptions } from './cluster-health.indicator.js';
