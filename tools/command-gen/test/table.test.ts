// The command table's entries, from made-up specs: key specs reduced, movablekeys as the server sets it, the
// implicit ACL categories, fan-out tips, and which server has a command.
import { describe, expect, it } from 'vitest';
import type { ServerSpecs } from '../src/sources.js';
import { mergeSpecs, type RawCommand } from '../src/spec.js';
import { emitCommandTable } from '../src/table.js';

function server(
  family: 'redis' | 'valkey',
  version: string,
  commands: Record<string, RawCommand>,
): ServerSpecs {
  return { name: `${family}-${version}`, family, version, files: new Map([['all.json', commands]]) };
}

const index = (pos: number, lastkey = 0, step = 1) => ({
  begin_search: { index: { pos } },
  find_keys: { range: { lastkey, step, limit: 0 } },
});

const base = { since: '1.0.0', group: 'string', arity: -2 };

describe('emitCommandTable', () => {
  const set = mergeSpecs([
    server('redis', '7.4.1', {
      GET: {
        ...base,
        command_flags: ['READONLY', 'FAST'],
        acl_categories: ['STRING'],
        key_specs: [index(1)],
      },
      MSET: {
        ...base,
        command_flags: ['WRITE'],
        key_specs: [index(1, -1, 2)],
        command_tips: ['REQUEST_POLICY:MULTI_SHARD'],
      },
      SMOVE: { ...base, command_flags: ['WRITE', 'FAST'], key_specs: [index(1), index(2)] },
      EVAL: {
        ...base,
        group: 'scripting',
        command_flags: ['NOSCRIPT'],
        key_specs: [
          {
            begin_search: { index: { pos: 2 } },
            find_keys: { keynum: { keynumidx: 0, firstkey: 1, step: 1 } },
          },
        ],
      },
      HEXPIRE: { ...base, group: 'hash', command_flags: ['WRITE'], key_specs: [index(1)] },
      CONFIG: { ...base, group: 'server' },
    }),
    server('valkey', '8.0.1', {
      GET: { ...base, command_flags: ['READONLY', 'FAST'], key_specs: [index(1)] },
      'SLOT-STATS': { ...base, group: 'cluster', container: 'CONFIG', command_flags: ['ADMIN'] },
    }),
  ]);
  const files = emitCommandTable(set, '// header');

  it('writes one file per group and one that joins them', () => {
    expect([...files.keys()].sort()).toEqual([
      'command-table.ts',
      'table/hash.ts',
      'table/scripting.ts',
      'table/server.ts',
      'table/string.ts',
    ]);
    expect(files.get('command-table.ts')).toContain(
      "COMMAND_SOURCES: readonly string[] = ['redis-7.4.1', 'valkey-8.0.1']",
    );
  });

  it('reduces key specs, and flags movable keys as the server does', () => {
    const strings = files.get('table/string.ts')!;
    expect(strings).toContain(
      "get: { arity: -2, flags: ['readonly', 'fast'], acl: ['fast', 'read', 'string'], keys: [{ index: 1, range: [0, 1, 0] }]",
    );
    // A step of 2 in one spec, two consecutive specs: still a fixed range.
    expect(strings).toMatch(/mset: \{ arity: -2, flags: \['write'\], .*requestPolicy: 'multi_shard'/);
    expect(strings).toMatch(/smove: \{ arity: -2, flags: \['write', 'fast'\],/);
    expect(files.get('table/scripting.ts')).toContain("flags: ['noscript', 'movablekeys']");
  });

  it('marks what only one server family has, and admin subcommands', () => {
    expect(files.get('table/hash.ts')).toContain("only: 'redis'");
    expect(files.get('table/server.ts')).toMatch(
      /'slot-stats': \{ arity: -2, flags: \['admin'\], acl: \['admin', 'dangerous', 'slow'\].*only: 'valkey'/,
    );
  });
});
