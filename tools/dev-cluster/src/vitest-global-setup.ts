// Runs once in the Vitest main process before any test of any project: makes sure redis-server is there,
// and removes what earlier crashed runs left behind (their owners are gone, so nothing live is touched).
import { ensureRedisServer } from './ensure-redis-server.js';
import { cleanupLeftovers } from './leftovers.js';

export default async function setup(): Promise<void> {
  await ensureRedisServer();
  await cleanupLeftovers();
}
