// Runs in the Vitest main process before any test of a project: makes sure the project's server is there
// (Debian's redis-server, or one built once from its tarball: KEYSLOT_SERVER in the project's env), records its
// command list for `currentServer()`, and removes what earlier crashed runs left behind (their owners are gone,
// so nothing live is touched).
import type { TestProject } from 'vitest/node';
import { cleanupLeftovers } from './leftovers.js';
import { ensureServerProfile } from './server-profile.js';
import { defaultServerChoice, ensureServer } from './servers.js';

export default async function setup(project: TestProject): Promise<void> {
  const env = { ...process.env, ...project.config.env };
  await cleanupLeftovers();
  await ensureServerProfile(await ensureServer(defaultServerChoice(env)), env);
}
