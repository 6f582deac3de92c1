// Table-driven tests of typed methods against a real server: each case runs on a RESP2 and on a RESP3
// connection, after FLUSHALL and its own setup; both protocols must give the same value, and `check` says what it
// must be. A case is registered only on a server that has its command.
import { expect, it } from 'vitest';
import type { RedisCommands } from '../../src/index.js';
import { serverHas } from './command-availability.js';

export interface CommandCase<T = unknown> {
  /** The methods the case exercises (the completeness check reads them). */
  readonly methods: readonly string[];
  /** The command the server must have for the case to run (`'HEXPIRE'`, `'CLUSTER SHARDS'`). */
  readonly command: string;
  /** Puts data in place before `run`, on the same connection. */
  readonly setup?: (c: RedisCommands) => Promise<unknown>;
  readonly run: (c: RedisCommands) => Promise<T>;
  /** The value, on each protocol. */
  readonly check: (value: T) => void;
  /** The value differs from one call to the next (random, clocks, IDs): only `check` applies. */
  readonly varies?: boolean;
}

/** A case, with `check` typed by what `run` resolves to (so a wrong reply type fails to compile). */
export function defineCase<T>(c: CommandCase<T>): CommandCase {
  return c as CommandCase;
}

/** Registers one test per case the server supports; `connections` gives the RESP2 and RESP3 connections. */
export function registerCases(
  cases: readonly CommandCase[],
  connections: () => { resp2: RedisCommands; resp3: RedisCommands },
): void {
  for (const c of cases) {
    if (!serverHas(c.command)) continue;
    it(`${c.methods.join(', ')} (${c.command})`, async () => {
      const values: unknown[] = [];
      for (const conn of [connections().resp2, connections().resp3]) {
        await conn.flushall();
        if (c.setup) await c.setup(conn);
        const value = await c.run(conn);
        c.check(value);
        values.push(value);
      }
      if (!c.varies) expect(values[1], 'RESP3 gives what RESP2 gives').toEqual(values[0]);
    });
  }
}
