// What a server offers, asked once of the server itself and cached beside the builds: the command list
// (`COMMAND`, subcommands as `client|setinfo`). Tests read it synchronously through `currentServer()`.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { serverCacheRoot } from './build-server.js';
import type { RespReply } from './resp-connection.js';
import type { ServerBinary } from './servers.js';
import { startStandalone } from './standalone.js';

/** A server binary and the commands it knows. */
export interface ServerProfile extends ServerBinary {
  /** Lower-case command names; subcommands as `container|sub` (`client|setinfo`). */
  commands: string[];
}

/** Where the profile of a server is cached. */
export function profileFile(server: Pick<ServerBinary, 'name' | 'origin'>, env = process.env): string {
  return path.join(serverCacheRoot(env), 'profiles', `${server.name}-${server.origin}.json`);
}

/** The cached profile of a server, if one was written for this binary. */
export function readServerProfile(server: ServerBinary, env = process.env): ServerProfile | undefined {
  try {
    const profile = JSON.parse(readFileSync(profileFile(server, env), 'utf8')) as ServerProfile;
    return profile.path === server.path && profile.version === server.version ? profile : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the profile of a server unless one is cached: starts it once and asks it for its commands. */
export async function ensureServerProfile(server: ServerBinary, env = process.env): Promise<ServerProfile> {
  const cached = readServerProfile(server, env);
  if (cached) return cached;
  const standalone = await startStandalone({ server: server.name });
  let commands: string[];
  try {
    commands = commandNames(await standalone.admin('COMMAND')).sort();
  } finally {
    await standalone.stop();
  }
  const profile: ServerProfile = { ...server, commands };
  const file = profileFile(server, env);
  mkdirSync(path.dirname(file), { recursive: true });
  // Written aside and renamed: a reader in another process never sees half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(profile, null, 2)}\n`);
  renameSync(temporary, file);
  return profile;
}

/** Command names (with subcommands) from a `COMMAND` reply: entries `[name, ..., subcommands]` (index 9). */
export function commandNames(reply: RespReply): string[] {
  if (!Array.isArray(reply)) throw new Error('COMMAND did not answer with a list');
  const names: string[] = [];
  for (const entry of reply) {
    if (!Array.isArray(entry)) continue;
    names.push(String(entry[0]).toLowerCase());
    if (Array.isArray(entry[9])) names.push(...commandNames(entry[9]));
  }
  return names;
}
