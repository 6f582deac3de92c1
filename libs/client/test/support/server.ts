// The server a test file runs on (KEYSLOT_SERVER, set by the per-server Vitest projects; else Debian's
// redis-server), and the title helper that puts its name in every test of the server suites.
import { currentServer } from '@keyslot/dev-cluster';

/** The server these tests run on: name (`valkey-8.0.1`), family, version, `hasCommand()`, `isAtLeast()`. */
export const server = currentServer();

/** A describe title naming the server, e.g. `natMap [valkey-8.0.1]`: the JSON report tells servers apart by it. */
export function onServer(title: string): string {
  return `${title} ${serverTag()}`;
}

/** `[valkey-8.0.1]`: what every test title of the server suites carries. */
export function serverTag(): string {
  return `[${server.name}]`;
}
