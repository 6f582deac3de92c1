// The decoder's second way in (`feedRead`), as a socket with Node's `onread` drives it: every read
// lands in one reused buffer (a large bulk string copied into its own). The reused buffer is scribbled over
// after every read, so any value or kept piece that is a view of it comes out wrong.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RespDecoder } from '../../../src/resp/decoder.js';
import { chunking, chunksOf, reply, scale } from '../../support/resp-arbitraries.js';
import {
  type DecoderEvent,
  expectedEvents,
  type RespReply,
  writeReplies,
} from '../../support/write-reply.js';

/** Bytes of `length` from a seed, CR and LF among them. */
function patterned(length: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let k = 0; k < length; k++) out[k] = (k * 31 + seed + (k >> 7)) & 0xff;
  return out;
}

/** Bulk payloads of 16 KiB to 40 KiB (across many reads), as bulk, verbatim and bulk error. */
const large: fc.Arbitrary<RespReply> = fc
  .tuple(
    fc.integer({ min: 16 * 1024 - 8, max: 40 * 1024 }),
    fc.nat(255),
    fc.constantFrom('bulk', 'verbatim', 'error'),
  )
  .map(([length, seed, kind]): RespReply => {
    const value = patterned(length, seed);
    if (kind === 'verbatim') return { type: 'verbatim', format: 'txt', value };
    if (kind === 'error') return { type: 'bulkError', value: value.toString('latin1') };
    return { type: 'bulk', value };
  });

/** Replies of every type, with large bulks among them, at top level and nested. */
const mixed = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: reply },
    { weight: 1, arbitrary: large },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.oneof(reply, large), { minLength: 1, maxLength: 4 })
        .map((items): RespReply => ({ type: 'array', items })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(large, fc.oneof(reply, large))
        .map(([key, value]): RespReply => ({ type: 'map', entries: [[key, value]] })),
    },
  ),
  { minLength: 1, maxLength: 6 },
);

function recorder(events: DecoderEvent[]): RespDecoder {
  return new RespDecoder({
    onReply: (value) => events.push({ kind: 'reply', value }),
    onPush: (value) => events.push({ kind: 'push', value }),
    onAttribute: (value) => events.push({ kind: 'attribute', value }),
  });
}

/**
 * Reads `input` as a socket with `onread` would, `sizes` bytes at most per read, into a reused buffer of
 * `sharedSize` bytes that is scribbled over after every read. Returns the events, after one last scribble.
 */
function readThrough(
  input: Buffer,
  sizes: number[],
  sharedSize: number,
  returnBuffers: boolean,
): DecoderEvent[] {
  const events: DecoderEvent[] = [];
  const decoder = recorder(events);
  decoder.returnBuffers = returnBuffers;
  const shared = Buffer.alloc(sharedSize);
  let pos = 0;
  for (let k = 0; pos < input.length; k++) {
    const nread = Math.min(shared.length, sizes[k % sizes.length]!, input.length - pos);
    input.copy(shared, 0, pos, pos + nread);
    pos += nread;
    decoder.feedRead(shared, nread);
    shared.fill(k & 0xff);
  }
  expect(decoder.bufferedBytes).toBe(0);
  shared.fill(0xee);
  return events;
}

function fed(input: Buffer, split: Parameters<typeof chunksOf>[1], returnBuffers: boolean): DecoderEvent[] {
  const events: DecoderEvent[] = [];
  const decoder = recorder(events);
  decoder.returnBuffers = returnBuffers;
  for (const chunk of chunksOf(input, split)) decoder.feed(chunk);
  return events;
}

const readSizes = fc.oneof(
  fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
  fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 5 }),
);

describe('RespDecoder reading into a reused buffer (feedRead)', { timeout: 120_000 * scale }, () => {
  it('gives the values written, as feed() does, none of them a view of the reused buffer scribbled over after each read', () => {
    fc.assert(
      fc.property(
        mixed,
        readSizes,
        fc.integer({ min: 1, max: 4096 }),
        chunking,
        fc.boolean(),
        (values, sizes, sharedSize, split, returnBuffers) => {
          const input = writeReplies(values);
          const expected = values.flatMap((value) => expectedEvents(value, returnBuffers));
          expect(fed(input, split, returnBuffers)).toEqual(expected);
          expect(readThrough(input, sizes, sharedSize, returnBuffers)).toEqual(expected);
        },
      ),
      { numRuns: 100 * scale },
    );
  });

  it('gives a bulk string above 4 MiB byte for byte, its buffer growing as bytes arrive', () => {
    const value = patterned(9 * 1024 * 1024 + 3, 11);
    const input = writeReplies([
      { type: 'bulk', value },
      { type: 'integer', value: 5 },
    ]);
    for (const sizes of [[65_536], [1_000_000, 17], [3]]) {
      const events = readThrough(input, sizes, 65_536, true);
      expect(events).toHaveLength(2);
      expect(Buffer.compare(events[0]!.value as Buffer, value)).toBe(0);
      expect(events[1]).toEqual({ kind: 'reply', value: 5 });
    }
  });

  it('holds at most twice what arrived beyond 4 MiB for a declared length of 500 MB', () => {
    const decoder = recorder([]);
    const shared = Buffer.alloc(65_536);
    const header = Buffer.from('$500000000\r\n');
    header.copy(shared);
    decoder.feedRead(shared, header.length);
    const before = process.memoryUsage().arrayBuffers;
    let arrived = 0;
    shared.fill(1);
    for (let k = 0; k < 200; k++) {
      decoder.feedRead(shared, shared.length);
      arrived += shared.length;
    }
    expect(decoder.bufferedBytes).toBe(arrived);
    // Buffers outside the heap grew by what the payload's buffer holds (and garbage not yet collected): far
    // below the 500 MB declared, which an allocation at the declared length would have taken at once.
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(grown).toBeLessThan(4 * (2 * arrived + 4 * 1024 * 1024));
  });
});
