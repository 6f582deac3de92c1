import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { slotOfBytes, slotOfString } from '../../../src/cluster/hash-slot.js';

/** The specification's algorithm, bit by bit over UTF-8 bytes, as an independent reference. */
function referenceSlot(bytes: Buffer): number {
  let s = bytes.indexOf(0x7b);
  let e = s === -1 ? -1 : bytes.indexOf(0x7d, s + 1);
  if (s === -1 || e === -1 || e === s + 1) {
    s = -1;
    e = bytes.length;
  }
  let crc = 0;
  for (const byte of bytes.subarray(s + 1, e)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc & 0x3fff;
}

describe('hash slots', () => {
  it('match what a real redis-server 7.0 answers to CLUSTER KEYSLOT', () => {
    // Checked against `CLUSTER KEYSLOT` on redis-server 7.0.15.
    expect(slotOfString('123456789')).toBe(12739);
    expect(slotOfString('foo')).toBe(12182);
    expect(slotOfString('{user1000}.following')).toBe(3443);
    expect(slotOfString('foo{{bar}}zap')).toBe(4015);
    // An empty first tag means no tag: the whole key is hashed (cluster-key-slot gets this one wrong).
    expect(slotOfString('foo{}{bar}')).toBe(8363);
  });

  it('honour hash tags', () => {
    expect(slotOfString('{user1000}.following')).toBe(slotOfString('{user1000}.followers'));
    expect(slotOfBytes(Buffer.from('{user1000}.a'))).toBe(slotOfString('user1000'));
  });

  it('agree with the reference for any string, tags and non-ASCII text included, and for its bytes', () => {
    const piece = fc.oneof(
      fc.string(),
      fc.constantFrom('{', '}', '{}', 'é', '日本', '😀'),
      fc.string({ unit: 'grapheme' }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), (pieces) => {
        const key = pieces.join('');
        const bytes = Buffer.from(key, 'utf8');
        expect(slotOfString(key)).toBe(referenceSlot(bytes));
        expect(slotOfBytes(bytes)).toBe(referenceSlot(bytes));
      }),
      { numRuns: 5000 },
    );
  });

  it('agree with the reference for arbitrary binary keys', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(slotOfBytes(bytes)).toBe(referenceSlot(Buffer.from(bytes)));
      }),
      { numRuns: 5000 },
    );
  });
});
