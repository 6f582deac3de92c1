import type { ClusterClient, ClusterConnection } from '@keyslot/client';
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import { type HealthReport, type KeyslotPluginOptions, keyslot } from '../src/index.js';

// These assertions are checked by `tsc -p libs/fastify/tsconfig.json` (npm run typecheck), which includes test/:
// a wrong type fails the typecheck; at run time expectTypeOf does nothing.
describe('types', () => {
  it('types app.redis as a ClusterConnection by declaration merging', () => {
    expectTypeOf<FastifyInstance['redis']>().toEqualTypeOf<ClusterConnection>();
    expectTypeOf<FastifyInstance['redis']['get']>().returns.resolves.toEqualTypeOf<string | null>();
    // The instance Fastify() returns is merged too, not only the FastifyInstance interface.
    expectTypeOf(Fastify().redis).toEqualTypeOf<ClusterConnection>();
  });

  it('accepts seed nodes or an existing connection, never both', () => {
    expectTypeOf<{ nodes: string[] }>().toExtend<KeyslotPluginOptions>();
    expectTypeOf<{ nodes: string; connectOnStart: false }>().toExtend<KeyslotPluginOptions>();
    expectTypeOf<{ client: ClusterConnection; closeConnection: true }>().toExtend<KeyslotPluginOptions>();
    expectTypeOf<{ nodes: string[]; client: ClusterConnection }>().not.toExtend<KeyslotPluginOptions>();
    expectTypeOf<{ client: ClusterConnection; connectOnStart: false }>().not.toExtend<KeyslotPluginOptions>();
    expectTypeOf<{ nodes: string[]; closeConnection: true }>().not.toExtend<KeyslotPluginOptions>();
    expectTypeOf<{ client: ClusterClient }>().not.toExtend<KeyslotPluginOptions>();
    expectTypeOf<{ healthRoute: string }>().not.toExtend<KeyslotPluginOptions>();
  });

  it('checks the options given to app.register', () => {
    // Never called: only its types matter.
    const registrations = (app: FastifyInstance, connection: ClusterConnection) => {
      app.register(keyslot, { nodes: ['127.0.0.1:7000'], connection: { connectTimeoutMs: 1_000 } });
      app.register(keyslot, { client: connection, closeConnection: true, healthRoute: '/health/redis' });
      // @ts-expect-error nodes and client exclude each other
      app.register(keyslot, { nodes: ['127.0.0.1:7000'], client: connection });
      // @ts-expect-error one of nodes or client is required
      app.register(keyslot, {});
    };
    expectTypeOf(registrations).toBeFunction();
  });

  it('types the health report', () => {
    expectTypeOf<HealthReport['status']>().toEqualTypeOf<'up' | 'down'>();
    expectTypeOf<HealthReport['primaries']>().toEqualTypeOf<Record<string, string>>();
  });
});
