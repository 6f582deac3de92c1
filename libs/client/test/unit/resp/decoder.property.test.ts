import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/errors.js';
import { type DecoderOptions, RespDecoder } from '../../../src/resp/decoder.js';
import { chunking, chunksOf, replies, reply, scale } from '../../support/resp-arbitraries.js';
import { type DecoderEvent, expectedEvents, writeReplies, writeReply } from '../../support/write-reply.js';

interface Outcome {
  events: DecoderEvent[];
  error: unknown;
}

/** Feeds `chunks` to a fresh decoder, checking that it never holds more than it was fed. */
function run(chunks: readonly Buffer[], returnBuffers: boolean, options?: DecoderOptions): Outcome {
  const events: DecoderEvent[] = [];
  const decoder = new RespDecoder(
    {
      onReply: (value) => events.push({ kind: 'reply', value }),
      onPush: (value) => events.push({ kind: 'push', value }),
      onAttribute: (value) => events.push({ kind: 'attribute', value }),
    },
    options,
  );
  decoder.returnBuffers = returnBuffers;
  const limit = (options?.maxBulkLength ?? 512 * 1024 * 1024) + 3;
  let fed = 0;
  try {
    for (const chunk of chunks) {
      decoder.feed(chunk);
      fed += chunk.length;
      // Plain checks: expect() per chunk would dominate the run time of single-byte chunking.
      if (decoder.bufferedBytes > fed || decoder.bufferedBytes > limit) {
        throw new Error(`the decoder holds ${decoder.bufferedBytes} bytes after being fed ${fed}`);
      }
    }
  } catch (error) {
    return { events, error };
  }
  return { events, error: undefined };
}

// ---------------------------------------------------------------------------------------------------------------
// Properties

describe('RespDecoder properties', { timeout: 60_000 * scale }, () => {
  it('decodes every written reply to its expected value, in string and buffer mode', () => {
    fc.assert(
      fc.property(reply, fc.boolean(), (value, returnBuffers) => {
        const outcome = run([writeReply(value)], returnBuffers);
        expect(outcome.error).toBeUndefined();
        expect(outcome.events).toEqual(expectedEvents(value, returnBuffers));
      }),
      { numRuns: 1500 * scale },
    );
  });

  it('decodes a stream of replies identically however it is split into chunks', () => {
    fc.assert(
      fc.property(replies, chunking, fc.boolean(), (values, split, returnBuffers) => {
        const input = writeReplies(values);
        const expected = values.flatMap((value) => expectedEvents(value, returnBuffers));
        const whole = run([input], returnBuffers);
        const chunked = run(chunksOf(input, split), returnBuffers);
        expect(whole.error).toBeUndefined();
        expect(chunked.error).toBeUndefined();
        expect(whole.events).toEqual(expected);
        expect(chunked.events).toEqual(expected);
      }),
      { numRuns: 1000 * scale },
    );
  });

  it('decodes a stream split into single bytes identically', () => {
    fc.assert(
      fc.property(replies, fc.boolean(), (values, returnBuffers) => {
        const input = writeReplies(values);
        const chunked = run(chunksOf(input, 'bytes'), returnBuffers);
        expect(chunked.error).toBeUndefined();
        expect(chunked.events).toEqual(values.flatMap((value) => expectedEvents(value, returnBuffers)));
      }),
      { numRuns: 200 * scale },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Fuzzing: whatever the bytes, the decoder ends in replies or a ProtocolError, holding no more than it was fed.

/** Bytes that mean something in RESP, so that random input gets past the first byte. */
const respAlphabet = [...'+-:$*%~>|!=,#(_\r\n\r\n0123456789-tfOKabinfe.'].map((c) => c.charCodeAt(0));
const respish = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  fc.array(fc.constantFrom(...respAlphabet), { maxLength: 200 }).map((b) => Buffer.from(b)),
);

type Mutation =
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    byte: fc.oneof(fc.constantFrom(...respAlphabet), fc.nat(255)),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(input: Buffer, mutations: readonly Mutation[]): Buffer {
  let out = Buffer.from(input);
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    switch (m.kind) {
      case 'set':
        if (out.length > 0) out[at] = m.byte;
        break;
      case 'insert':
        out = Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)]);
        break;
      case 'delete':
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.count)]);
        break;
      case 'truncate':
        out = out.subarray(0, at);
        break;
    }
  }
  return out;
}

const fuzzInput = fc.oneof(
  respish,
  fc
    .tuple(replies, fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([values, ms]) => mutate(writeReplies(values), ms)),
);

function checkOutcome(outcome: Outcome): void {
  if (outcome.error !== undefined && !(outcome.error instanceof ProtocolError)) throw outcome.error;
}

describe('RespDecoder fuzzing', { timeout: 60_000 * scale }, () => {
  it('ends arbitrary and mutated input in replies or a ProtocolError, with the same replies per chunking', () => {
    fc.assert(
      fc.property(
        fuzzInput,
        chunking,
        fc.boolean(),
        fc.constantFrom<DecoderOptions | undefined>(undefined, { maxBulkLength: 40, maxNesting: 4 }),
        (input, split, returnBuffers, options) => {
          const whole = run([input], returnBuffers, options);
          const chunked = run(chunksOf(input, split), returnBuffers, options);
          checkOutcome(whole);
          checkOutcome(chunked);
          // Where the input stops being valid, both stop; before that, both decoded the same values. (A chunked
          // decoder may still be waiting for the end of a line that the whole one already found malformed.)
          expect(chunked.events).toEqual(whole.events);
        },
      ),
      { numRuns: 3000 * scale },
    );
  });

  it('holds no more than it was fed for huge declared lengths and counts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('$', '*', '%', '~', '>', '=', '!'),
        fc.integer({ min: 1, max: 512 * 1024 * 1024 }),
        fc.uint8Array({ maxLength: 300 }),
        chunking,
        (type, length, tail, split) => {
          const input = Buffer.concat([Buffer.from(`${type}${length}\r\n`), tail]);
          const outcome = run(chunksOf(input, split), false);
          checkOutcome(outcome);
        },
      ),
      { numRuns: 500 * scale },
    );
  });

  it('recovers after reset() from any failure', () => {
    fc.assert(
      fc.property(fuzzInput, (input) => {
        const values: unknown[] = [];
        const decoder = new RespDecoder({ onReply: (v) => values.push(v), onPush: () => {} });
        try {
          decoder.feed(input);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
        decoder.reset();
        values.length = 0;
        decoder.feed(Buffer.from('*2\r\n+OK\r\n:1\r\n'));
        expect(values).toEqual([['OK', 1]]);
        expect(decoder.bufferedBytes).toBe(0);
      }),
      { numRuns: 500 * scale },
    );
  });
});
