import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { SocketReads } from '../../../src/connection/socket-reads.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

describe('SocketReads', () => {
  it('reads into a zero-filled buffer, never into memory the process used before (an encoded AUTH, a password)', () => {
    for (let round = 0; round < 20; round++) {
      // Memory full of a secret, freed just before: what an unfilled allocation of the same size gets again.
      for (let k = 0; k < 8; k++) Buffer.allocUnsafe(64 * 1024).fill(0xab);
      collectGarbage();
      const buffer = new SocketReads().onread.buffer as Buffer;
      expect(buffer.indexOf(0xab)).toBe(-1);
      expect(buffer.every((byte) => byte === 0)).toBe(true);
    }
  });
});
