/**
 * Runs one demo server against the cluster in REDIS_CLUSTER_NODES: NestJS by default, plain Fastify with
 * `--fastify`. `npm start` at the repository root starts this for you, with an embedded local cluster.
 */
import { nodesFromEnv } from './demo-options.js';
import { buildFastifyApp } from './fastify/fastify-app.js';
import { buildNestApp } from './nest/nest-app.js';

const nodes = nodesFromEnv();
if (!nodes) {
  console.error(
    'REDIS_CLUSTER_NODES is not set: give the seed nodes as host:port,host:port (or run `npm start`).',
  );
  process.exit(2);
}
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const flavour = process.argv.includes('--fastify') ? 'fastify' : 'nestjs';
// The admin page is on only with a password; the session secret is random per process unless given.
const admin = {
  adminPassword: process.env.DEMO_ADMIN_PASSWORD || undefined,
  sessionSecret: process.env.DEMO_SESSION_SECRET || undefined,
};

try {
  const close =
    flavour === 'fastify'
      ? await (async () => {
          const app = await buildFastifyApp({ nodes, logger: true, ...admin });
          await app.listen({ port, host });
          return () => app.close();
        })()
      : await (async () => {
          const app = await buildNestApp({ nodes, logger: true, ...admin });
          await app.listen(port, host);
          return () => app.close();
        })();
  console.log(
    `keyslot demo (${flavour}) listening on http://${host}:${port}/ — status page at /, API at /links`,
  );
  const stop = async (): Promise<void> => {
    await close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
} catch (error) {
  console.error(`the demo could not start: ${(error as Error).message}`);
  process.exit(1);
}
