import { describe, expect, it } from 'vitest';
import { type CommandPlan, planCommand } from '../../../src/cluster/command-plan.js';
import { CROSS_SLOT, commandSlot, NO_KEY, slotOfKey } from '../../../src/cluster/key-slots.js';
import { askRoute, parseRedirect, pinnedRoute, slotRoute } from '../../../src/cluster/route.js';
import { blockingTimeoutMs } from '../../../src/commands/blocking.js';
import { commandFlags, keyIndexes, singleKeyCommand } from '../../../src/commands/command-info.js';
import { COMMAND_TABLE } from '../../../src/commands/generated/command-table.js';
import { ArgumentError, CrossSlotError } from '../../../src/errors.js';

const plan = (name: string, ...args: string[]): CommandPlan => planCommand(name, args);

describe('planCommand: one decision per command', () => {
  it('routes a single-key command to its slot with a shared route value (nothing allocated per command)', () => {
    const get = plan('GET', 'user:1');
    expect(get).toEqual({
      kind: 'route',
      slot: slotOfKey('user:1'),
      readonly: true,
      node: undefined,
      asking: false,
      pinned: false,
    });
    expect(plan('GET', 'user:1')).toBe(get);
    expect(plan('SET', 'user:1', 'v')).toBe(slotRoute(slotOfKey('user:1'), false));
    expect(plan('SET', 'user:1', 'v')).not.toBe(get);
  });

  it('takes the single-key shortcut only where the general path would find the same key, flags and no fan-out or blocking', () => {
    const args = Array.from({ length: 12 }, (_, i) => `a${i}`);
    let covered = 0;
    for (const name of Object.keys(COMMAND_TABLE).map((n) => n.toUpperCase())) {
      const single = singleKeyCommand(name);
      if (single === undefined) continue;
      covered++;
      expect(keyIndexes(name, args), name).toEqual([single.keyIndex]);
      expect(single.flags, name).toBe(commandFlags(name, args));
      expect(blockingTimeoutMs(name, args), name).toBeUndefined();
      const route = planCommand(name, args);
      expect(route.kind, name).toBe('route');
      if (route.kind === 'route') expect(route.slot, name).toBe(commandSlot(name, args));
    }
    expect(covered).toBeGreaterThan(100);
    for (const name of [
      'MGET',
      'MSET',
      'DEL',
      'BLPOP',
      'XREAD',
      'EVAL',
      'OBJECT',
      'PING',
      'DBSIZE',
      'RENAME',
    ]) {
      expect(singleKeyCommand(name), name).toBeUndefined();
    }
  });

  it('routes multi-key commands whose keys share a slot, and keyless ones to any primary', () => {
    expect(plan('MGET', '{t}a', '{t}b')).toBe(slotRoute(slotOfKey('t'), true));
    expect(plan('RENAME', '{t}a', '{t}b')).toBe(slotRoute(slotOfKey('t'), false));
    expect(plan('ECHO', 'hi')).toBe(slotRoute(NO_KEY, true));
    expect(plan('EVAL', 'return 1', '0')).toBe(slotRoute(NO_KEY, false));
  });

  it('fans keyless cluster-wide commands out with their aggregation', () => {
    expect(plan('DBSIZE')).toEqual({ kind: 'fanOut', policy: { targets: 'primaries', aggregate: 'sum' } });
    expect(plan('KEYS', '*')).toEqual({
      kind: 'fanOut',
      policy: { targets: 'primaries', aggregate: 'concat' },
    });
    expect(plan('SCRIPT', 'load', 'return 1')).toEqual({
      kind: 'fanOut',
      policy: { targets: 'all', aggregate: 'allSucceeded' },
    });
  });

  it('fans WAIT and WAITAOF out to every primary with their block time, and refuses a block time of 0 before sending', () => {
    expect(plan('WAIT', '1', '250')).toEqual({
      kind: 'fanOut',
      policy: { targets: 'primaries', aggregate: 'min' },
      blockMs: 250,
    });
    expect(plan('WAITAOF', '1', '0', '100')).toMatchObject({ kind: 'fanOut', blockMs: 100 });
    for (const forever of [plan('WAIT', '1', '0'), plan('WAITAOF', '1', '1', '0')]) {
      expect(forever.kind).toBe('reject');
      if (forever.kind === 'reject') {
        expect(forever.error).toBeInstanceOf(ArgumentError);
        expect(forever.error.message).toMatch(/block the shared connection forever/);
      }
    }
  });

  it('sends blocking commands to a dedicated connection with their block time, and only when they block', () => {
    expect(plan('BLPOP', 'q', '1.5')).toEqual({ kind: 'dedicated', slot: slotOfKey('q'), blockMs: 1500 });
    expect(plan('BLPOP', 'q', '0')).toEqual({ kind: 'dedicated', slot: slotOfKey('q'), blockMs: 0 });
    expect(plan('XREAD', 'BLOCK', '200', 'STREAMS', 's', '$')).toEqual({
      kind: 'dedicated',
      slot: slotOfKey('s'),
      blockMs: 200,
    });
    expect(plan('XREAD', 'STREAMS', 's', '$')).toBe(slotRoute(slotOfKey('s'), true));
  });

  it('splits MGET, MSET, DEL, UNLINK, EXISTS and TOUCH across slots', () => {
    expect(commandSlot('MGET', ['a', 'b'])).toBe(CROSS_SLOT);
    expect(plan('MGET', 'a', 'b')).toEqual({ kind: 'split', split: 'mget' });
    expect(plan('MSET', 'a', '1', 'b', '2')).toEqual({ kind: 'split', split: 'mset' });
    for (const name of ['DEL', 'UNLINK', 'EXISTS', 'TOUCH']) {
      expect(plan(name, 'a', 'b'), name).toEqual({ kind: 'split', split: 'sum' });
    }
  });

  it('rejects, before sending, other cross-slot commands (naming the slots) and a split MSET without a value', () => {
    const rename = plan('RENAME', 'a', 'b');
    expect(rename.kind).toBe('reject');
    if (rename.kind !== 'reject') return;
    expect(rename.error).toBeInstanceOf(CrossSlotError);
    expect((rename.error as CrossSlotError).slots).toEqual(
      [slotOfKey('a'), slotOfKey('b')].sort((x, y) => x - y),
    );
    expect(rename.error.message).toMatch(/hash tag/);
    const blocking = plan('BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '1');
    expect(blocking.kind).toBe('reject');
    const odd = plan('MSET', 'a', '1', 'b');
    expect(odd.kind).toBe('reject');
    if (odd.kind === 'reject') expect(odd.error).toBeInstanceOf(ArgumentError);
  });
});

describe('route values', () => {
  it('an ASK redirect yields a new one-time route and leaves the original untouched', () => {
    const base = slotRoute(7, false);
    const ask = askRoute(base, '10.0.0.2:7001');
    expect(ask).toEqual({
      kind: 'route',
      slot: 7,
      readonly: false,
      node: '10.0.0.2:7001',
      asking: true,
      pinned: false,
    });
    expect(base).toEqual({
      kind: 'route',
      slot: 7,
      readonly: false,
      node: undefined,
      asking: false,
      pinned: false,
    });
  });

  it('a pinned route names its node and is never redirected', () => {
    expect(pinnedRoute('10.0.0.3:7002', true)).toEqual({
      kind: 'route',
      slot: NO_KEY,
      readonly: true,
      node: '10.0.0.3:7002',
      asking: false,
      pinned: true,
    });
  });

  it('parses MOVED and ASK replies, and refuses malformed ones', () => {
    expect(parseRedirect('MOVED 3999 127.0.0.1:6381')).toEqual({ slot: 3999, announced: '127.0.0.1:6381' });
    expect(parseRedirect('ASK 12 [::1]:7000')).toEqual({ slot: 12, announced: '[::1]:7000' });
    expect(parseRedirect('MOVED')).toBeUndefined();
    expect(parseRedirect('MOVED x 127.0.0.1:6381')).toBeUndefined();
  });
});
