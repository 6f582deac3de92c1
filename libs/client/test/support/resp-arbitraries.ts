// What the decoder's property tests generate: RESP replies of every type, and ways to cut a stream into chunks.
import fc from 'fast-check';
import type { RespReply } from './write-reply.js';

/** `FC_SCALE=20 npx vitest run ...` runs every property twenty times longer. */
export const scale = Number(process.env.FC_SCALE ?? '1');

/** Text that may appear in a simple string or error line: anything but CR and LF. */
export const lineText = fc
  .string({ unit: 'binary', maxLength: 30 })
  .filter((text) => !text.includes('\r') && !text.includes('\n'));

export const bytes = fc.oneof(
  { weight: 5, arbitrary: fc.uint8Array({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }).map((s) => Buffer.from(s)) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 100, maxLength: 3000 }) },
);

const safe = Number.MAX_SAFE_INTEGER;
export const integer = fc.oneof(
  fc.integer(),
  fc.integer({ min: -safe, max: safe }),
  fc.constantFrom(safe, safe + 1, -safe, -safe - 1, 2 ** 53, -(2 ** 53), 0),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
);

export const scalar: fc.Arbitrary<RespReply> = fc.oneof(
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

export const { reply } = fc.letrec<{ reply: RespReply; aggregate: RespReply }>((tie) => ({
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

export const replies = fc.array(reply, { minLength: 1, maxLength: 6 });

/** Split points for a buffer: arbitrary ones, or every byte. */
export const chunking = fc.oneof(
  fc.constant<'bytes'>('bytes'),
  fc.array(fc.nat(), { maxLength: 12 }),
  fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 4 }).map((sizes) => ({ sizes })),
);

// ---------------------------------------------------------------------------------------------------------------
// Helpers

export function chunksOf(input: Buffer, split: 'bytes' | number[] | { sizes: number[] }): Buffer[] {
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
