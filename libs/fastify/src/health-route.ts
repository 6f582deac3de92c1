import type { FastifyInstance } from 'fastify';
import type { HealthPlan } from './check-options.js';
import { healthReport } from './health-check.js';

/**
 * Serves `GET <path>`: 200 with the report when the cluster is up, 503 when it is down. It reads the decorated
 * connection at request time, so it always checks the one connection every route shares.
 */
export function registerHealthRoute(app: FastifyInstance, { path, timeoutMs }: HealthPlan): void {
  app.get(path, async (_request, reply) => {
    const report = await healthReport(app.redis, timeoutMs);
    return reply
      .code(report.status === 'up' ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(report);
  });
}
