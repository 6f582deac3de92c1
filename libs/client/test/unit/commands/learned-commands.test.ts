import { describe, expect, it } from 'vitest';
import {
  commandFlags,
  keyIndexes,
  safeToResend,
  singleKeyCommand,
} from '../../../src/commands/command-info.js';
import { commandSpecOf, learnCommandInfo, learnedCommand } from '../../../src/commands/learned-commands.js';

// COMMAND INFO entries as a server sends them for module commands: RESP2 (key specs as flat arrays) and RESP3
// (maps). The names are made up so that no other test learns them.
const resp2Entry = [
  'learned.get',
  -2,
  ['readonly', 'fast'],
  1,
  1,
  1,
  ['@read', '@fast'],
  [],
  [
    [
      'flags',
      ['RO', 'access'],
      'begin_search',
      ['type', 'index', 'spec', ['index', 1]],
      'find_keys',
      ['type', 'range', 'spec', ['lastkey', 0, 'keystep', 1, 'limit', 0]],
    ],
  ],
  [],
];

const resp3Entry = [
  'learned.union',
  -3,
  ['write', 'movablekeys'],
  0,
  0,
  0,
  ['@write', '@slow'],
  ['request_policy:multi_shard'],
  [
    new Map<string, unknown>([
      ['flags', ['RW']],
      [
        'begin_search',
        new Map<string, unknown>([
          ['type', 'index'],
          ['spec', new Map([['index', 1]])],
        ]),
      ],
      [
        'find_keys',
        new Map<string, unknown>([
          ['type', 'range'],
          [
            'spec',
            new Map([
              ['lastkey', 0],
              ['keystep', 1],
              ['limit', 0],
            ]),
          ],
        ]),
      ],
    ]),
    new Map<string, unknown>([
      ['flags', ['RO']],
      [
        'begin_search',
        new Map<string, unknown>([
          ['type', 'keyword'],
          [
            'spec',
            new Map<string, unknown>([
              ['keyword', 'KEYS'],
              ['startfrom', 2],
            ]),
          ],
        ]),
      ],
      [
        'find_keys',
        new Map<string, unknown>([
          ['type', 'keynum'],
          [
            'spec',
            new Map([
              ['keynumidx', 0],
              ['firstkey', 1],
              ['keystep', 1],
            ]),
          ],
        ]),
      ],
    ]),
  ],
  [],
];

describe('commandSpecOf', () => {
  it('reads a RESP2 entry', () => {
    expect(commandSpecOf(resp2Entry)).toEqual({
      arity: -2,
      flags: ['readonly', 'fast'],
      acl: ['read', 'fast'],
      keys: [{ index: 1, range: [0, 1, 0] }],
    });
  });

  it('reads a RESP3 entry, its tips and keyword/numkeys specs', () => {
    expect(commandSpecOf(resp3Entry)).toEqual({
      arity: -3,
      flags: ['write', 'movablekeys'],
      acl: ['write', 'slow'],
      keys: [
        { index: 1, range: [0, 1, 0] },
        { keyword: 'KEYS', from: 2, keynum: [0, 1, 1] },
      ],
      requestPolicy: 'multi_shard',
    });
  });

  it('falls back on the legacy range when a module declares no key specs, unless the keys move', () => {
    expect(commandSpecOf(['m.mset', -3, ['write'], 1, -1, 2, [], [], [], []]).keys).toEqual([
      { index: 1, range: [-1, 2, 0] },
    ]);
    expect(
      commandSpecOf(['m.cb', -2, ['write', 'movablekeys'], 1, 1, 1, [], [], [], []]).keys,
    ).toBeUndefined();
  });

  it('reads subcommands named container|sub', () => {
    const spec = commandSpecOf([
      'm.box',
      -2,
      [],
      0,
      0,
      0,
      [],
      [],
      [],
      [['m.box|put', 3, ['write'], 2, 2, 1, [], [], [], []]],
    ]);
    expect(Object.keys(spec.subcommands!)).toEqual(['put']);
  });
});

describe('learnCommandInfo', () => {
  it('teaches routing the keys and flags of commands the table does not know, and skips those it knows', () => {
    expect(commandFlags('learned.get').known).toBe(false);
    expect(learnCommandInfo([resp2Entry, resp3Entry, null, ['get', 2, [], 1, 1, 1, [], [], [], []]])).toBe(2);
    expect(learnedCommand('get')).toBeUndefined();
    expect(commandFlags('LEARNED.GET')).toMatchObject({ known: true, readonly: true, fast: true });
    expect(singleKeyCommand('learned.get')?.keyIndex).toBe(0);
    expect(safeToResend('learned.get')).toBe(true);
    expect(keyIndexes('learned.union', ['a', 'x', 'KEYS', 2, 'b', 'c'])).toEqual([0, 4, 5]);
    expect(commandFlags('learned.union')).toMatchObject({
      write: true,
      movablekeys: true,
      requestPolicy: 'multi_shard',
    });
    // Learned once: a second reply changes nothing.
    expect(learnCommandInfo([resp2Entry])).toBe(0);
  });
});
