import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/errors.js';
import { type DecoderOptions, RespDecoder } from '../../../src/resp/decoder.js';
import {
  type DecoderEvent,
  expectedEvents,
  type RespReply,
  writeReplies,
  writeReply,
} from '../../support/write-reply.js';

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries

/** `FC_SCALE=20 npx vitest run ...` runs every property twenty times longer. */
const scale = Number(process.env.FC_SCALE ?? '1');

/** Text that may appear in a simple string or error line: anything but CR and LF. */
const lineText = fc
  .string({ unit: 'binary', maxLength: 30 })
  .filter((text) => !text.includes('\r') && !text.includes('\n'));

const bytes = fc.oneof(
  { weight: 5, arbitrary: fc.uint8Array({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }).map((s) => Buffer.from(s)) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 100, maxLength: 3000 }) },
);

const safe = Number.MAX_SAFE_INTEGER;
const integer = fc.oneof(
  fc.integer(),
  fc.integer({ min: -safe, max: safe }),
  fc.constantFrom(safe, safe + 1, -safe, -safe - 1, 2 ** 53, -(2 ** 53), 0),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
);

const scalar: fc.Arbitrary<RespReply> = fc.oneof(
  lineText.map((value): RespReply => ({ type: 'simple', value })),
  lineText.map((value): RespReply => ({ type: 'error', value })),
  fc.string({ unit: 'binary', maxLength: 30 }).map((value): RespReply => ({ type: 'bulkError', value })),
  integer.map((value): RespReply => ({ type: 'integer', value })),
  bytes.map((value): RespReply => ({ type: 'bulk', value: Buffer.from(value) })),
  fc
    .tuple(fc.constantFrom('txt', 'mkd'), bytes)
    .map(([format, value]): RespReply => ({ type: 'verbatim', format, value: Buffer.from(value) })),
  fc.double().map((value): RespReply => ({ type: 'double', value })),
  fc.boolean().map((value): RespReply => ({ type: 'boolean', value })),
  fc.bigInt().map((value): RespReply => ({ type: 'bigNumber', value })),
  fc.constantFrom('_', '$-1', '*-1').map((form): RespReply => ({ type: 'null', form: form as '_' })),
);

const { reply } = fc.letrec<{ reply: RespReply; aggregate: RespReply }>((tie) => ({
  reply: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('aggregate')),
  aggregate: fc.oneof(
    fc
      .tuple(fc.constantFrom('array', 'set', 'push'), fc.array(tie('reply'), { maxLength: 5 }))
      .map(([type, items]): RespReply => ({ type: type as 'array', items })),
    fc
      .array(fc.tuple(tie('reply'), tie('reply')), { maxLength: 4 })
      .map((entries): RespReply => ({ type: 'map', entries })),
    fc
      .tuple(fc.array(fc.tuple(tie('reply'), tie('reply')), { maxLength: 3 }), tie('reply'))
      .map(([attributes, value]): RespReply => ({ type: 'attribute', attributes, value })),
  ),
}));

const replies = fc.array(reply, { minLength: 1, maxLength: 6 });

/** Split points for a buffer: arbitrary ones, or every byte. */
const chunking = fc.oneof(
  fc.constant<'bytes'>('bytes'),
  fc.array(fc.nat(), { maxLength: 12 }),
  fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 4 }).map((sizes) => ({ sizes })),
);

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function chunksOf(input: Buffer, split: 'bytes' | number[] | { sizes: number[] }): Buffer[] {
  const chunks: Buffer[] = [];
  if (split === 'bytes') {
    for (let i = 0; i < input.length; i++) chunks.push(input.subarray(i, i + 1));
    return chunks;
  }
  if (Array.isArray(split)) {
    const points = [...new Set(split.map((p) => (input.length === 0 ? 0 : p % (input.length + 1))))].sort(
      (a, b) => a - b,
    );
    let start = 0;
    for (const point of points) {
      chunks.push(input.subarray(start, point));
      start = point;
    }
    chunks.push(input.subarray(start));
    return chunks;
  }
  let start = 0;
  for (let k = 0; start < input.length; k++) {
    const size = split.sizes[k % split.sizes.length]!;
    chunks.push(input.subarray(start, start + size));
    start += size;
  }
  return chunks;
}

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
