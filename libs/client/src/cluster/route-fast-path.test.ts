import { describe, expect, it } from 'vitest';
import { blockingTimeoutMs } from '../commands/blocking.js';
import { commandFlags, keyIndexes, singleKeyCommand } from '../commands/command-info.js';
import { COMMAND_TABLE } from '../commands/generated/command-table.js';
import { fanOutPolicy } from './fan-out-policy.js';

// `ClusterConnection.routeSimple` hashes `args[keyIndex]` of a single-key command and sends it, skipping the
// fan-out, blocking and key-index questions. These check, over every command the table knows, that skipping them
// changes nothing.
const names = Object.keys(COMMAND_TABLE).map((name) => name.toUpperCase());
const args = Array.from({ length: 12 }, (_, i) => `a${i}`);

describe('the single-key fast path', () => {
  it('covers the common single-key commands and none of the others', () => {
    for (const name of [
      'GET',
      'SET',
      'INCR',
      'HSET',
      'HGETALL',
      'LPUSH',
      'ZADD',
      'XADD',
      'EXPIRE',
      'GETEX',
    ]) {
      expect(singleKeyCommand(name)?.keyIndex, name).toBe(0);
    }
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
    expect(singleKeyCommand('NOT-A-COMMAND')).toBeUndefined();
  });

  it('finds the same key, slot and flags as the general path, for every command in the table', () => {
    let covered = 0;
    for (const name of names) {
      const single = singleKeyCommand(name);
      if (single === undefined) continue;
      covered++;
      expect(keyIndexes(name, args), name).toEqual([single.keyIndex]);
      expect(single.flags, name).toBe(commandFlags(name, args));
      expect(single.flags.blocking, name).toBe(false);
      expect(blockingTimeoutMs(name, args), name).toBeUndefined();
      expect(fanOutPolicy(name, args), name).toBeUndefined();
    }
    expect(covered).toBeGreaterThan(100);
  });
});
