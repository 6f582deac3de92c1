// Whether the server the tests run on has a command, decided while Vitest collects the tests (no test is
// registered for a command the server lacks; none is skipped): from the command table's `since` and `only` and the
// server's version.
import { execFileSync } from 'node:child_process';
import { COMMAND_TABLE } from '../../src/commands/generated/command-table.js';
import type { CommandSpec } from '../../src/index.js';

// KEYSLOT_SERVER names the server when a per-server test project sets it (`valkey-8.0.1`); else the tests run on
// the redis-server on PATH.
const chosen = /^(redis|valkey)-(\d+\.\d+\.\d+)$/.exec(process.env.KEYSLOT_SERVER ?? '');
const versionLine = chosen ? '' : execFileSync('redis-server', ['--version'], { encoding: 'utf8' });

/** The server tests start: `redis` or `valkey`, and its version. */
export const testServer = chosen
  ? { family: chosen[1] as 'redis' | 'valkey', version: chosen[2]! }
  : {
      family: /valkey/i.test(versionLine) ? ('valkey' as const) : ('redis' as const),
      version: /v=(\d+\.\d+\.\d+)/.exec(versionLine)?.[1] ?? '0.0.0',
    };

/**
 * A describe title that names the server, `... [valkey-8.0.1]`: the same test run on two servers then shows up
 * under two names.
 */
export function onTestServer(title: string): string {
  return `${title} [${testServer.family}-${testServer.version}]`;
}

// Valkey 8 has what Redis had up to 7.2.4 (its INFO says `redis_version:7.2.4`), plus its own.
const VALKEY_REDIS_LEVEL = '7.2.4';

function atLeast(version: string, wanted: string): boolean {
  const a = version.split('.').map(Number);
  const b = wanted.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

function specOf(name: string): CommandSpec | undefined {
  const [container, sub] = name.toLowerCase().split(' ');
  const top = COMMAND_TABLE[container!];
  return sub === undefined ? top : top?.subcommands?.[sub];
}

/** True when the test server has the command (`'HEXPIRE'`, `'CLUSTER MYSHARDID'`). */
export function serverHas(name: string): boolean {
  const spec = specOf(name);
  if (spec === undefined) throw new Error(`${name} is not in the command table`);
  if (spec.only !== undefined && spec.only !== testServer.family) return false;
  const level =
    testServer.family === 'valkey' && spec.only !== 'valkey' ? VALKEY_REDIS_LEVEL : testServer.version;
  return atLeast(level, spec.since ?? '0.0.0');
}
