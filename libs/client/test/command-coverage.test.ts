// Coverage of the servers' commands, computed from the command table (generated from the specs of every server
// release found): each command a program uses has a typed method, on the string and on the Buffer view, and each
// method written for issue 17 (generated or by hand) runs against a real server in one of the case tables.
import { describe, expect, it } from 'vitest';
import { EXCLUSION_REASONS, exclusionOf, methodNameOf } from '../../../tools/command-gen/src/surface.js';
import { BitfieldCommands } from '../src/commands/bitfield.js';
import { COMMAND_TABLE } from '../src/commands/generated/command-table.js';
import { GeneratedCommands } from '../src/commands/generated/index.js';
import { GeoCommands } from '../src/commands/geo.js';
import { HandWrittenCommands } from '../src/commands/hand-written.js';
import { LcsCommands } from '../src/commands/lcs.js';
import { SortCommands } from '../src/commands/sort.js';
import { SortedSetQueryCommands } from '../src/commands/sorted-set-queries.js';
import { type Command, type CommandSpec, RedisCommands } from '../src/index.js';
import { clusterCases } from './support/cases/cluster.js';
import { dataCases } from './support/cases/data.js';
import { geoCases } from './support/cases/geo.js';
import { serverCases } from './support/cases/server.js';

/** Every command and subcommand of the table (containers aside), as `NAME` / `CONTAINER SUB`, with its spec. */
function* commands(): Generator<[string, CommandSpec]> {
  for (const [name, spec] of Object.entries(COMMAND_TABLE)) {
    if (spec.subcommands === undefined) yield [name.toUpperCase(), spec];
    else
      for (const [sub, inner] of Object.entries(spec.subcommands))
        yield [`${name} ${sub}`.toUpperCase(), inner];
  }
}

/** A connection that sends nothing: the methods are only looked at. */
class Unconnected extends RedisCommands {
  sendCommand<T>(_command: Command<T>): Promise<T> {
    return Promise.reject(new Error('not connected'));
  }
}

describe('command coverage', () => {
  it('every command but the admin ones and a few listed others has a typed method, on both views', () => {
    const conn = new Unconnected() as unknown as Record<string, unknown>;
    const buffers = (conn as unknown as RedisCommands).buffers as unknown as Record<string, unknown>;
    const missing: string[] = [];
    let typed = 0;
    for (const [name, spec] of commands()) {
      if (exclusionOf(name, spec.flags) !== undefined) continue;
      const method = methodNameOf(name);
      if (typeof conn[method] !== 'function' || typeof buffers[method] !== 'function')
        missing.push(`${name} (${method})`);
      typed++;
    }
    expect(missing).toEqual([]);
    // Redis 7.4.1 and Valkey 8.0.1 together: 264.
    expect(typed).toBeGreaterThan(250);
  });

  it('what has no method is admin, Sentinel-only, or one of the listed kinds, each with its reason', () => {
    const without = new Map<string, string[]>();
    for (const [name, spec] of commands()) {
      const exclusion = exclusionOf(name, spec.flags);
      if (exclusion === undefined) continue;
      expect(EXCLUSION_REASONS[exclusion], name).toBeTruthy();
      without.set(exclusion, [...(without.get(exclusion) ?? []), name]);
    }
    expect(without.get('admin')).toContain('CONFIG SET');
    expect(without.get('admin')).toContain('CLUSTER FAILOVER');
    expect(without.get('transaction')).toEqual(['DISCARD', 'EXEC', 'MULTI', 'UNWATCH', 'WATCH']);
    expect(without.get('subscription')).toHaveLength(6);
    // Not admin, so they have methods although the server files them under @dangerous.
    for (const name of ['KEYS', 'SORT', 'FLUSHALL', 'INFO', 'ROLE', 'MIGRATE', 'SWAPDB']) {
      expect(exclusionOf(name, COMMAND_TABLE[name.toLowerCase()]!.flags), name).toBeUndefined();
    }
  });

  it('every method written for the commands issue 17 added runs in a real-server case', () => {
    const added = new Set<string>();
    const collect = (proto: object, stop: object) => {
      for (let p = proto; p !== stop; p = Object.getPrototypeOf(p)) {
        for (const name of Object.getOwnPropertyNames(p)) if (name !== 'constructor') added.add(name);
      }
    };
    collect(GeneratedCommands.prototype, HandWrittenCommands.prototype);
    for (const family of [GeoCommands, SortedSetQueryCommands, SortCommands, LcsCommands, BitfieldCommands]) {
      collect(family.prototype, Object.getPrototypeOf(family.prototype));
    }
    // GeoCommands' private helpers.
    for (const helper of ['radiusMembers', 'radiusStore', 'radiusWith']) added.delete(helper);
    const cases = [
      ...dataCases,
      ...geoCases,
      ...serverCases,
      ...clusterCases(() => {
        throw new Error('not run here');
      }),
    ];
    const covered = new Set(cases.flatMap((c) => c.methods));
    // Tested one by one in commands-generated.test.ts: they need a second connection or server.
    for (const method of ['scriptKill', 'functionKill', 'migrate']) covered.add(method);
    expect([...added].filter((method) => !covered.has(method)).sort()).toEqual([]);
    expect(added.size).toBeGreaterThan(100);
  });
});
