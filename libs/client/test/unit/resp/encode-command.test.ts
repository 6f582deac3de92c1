import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RedisArg } from '../../../src/command.js';
import { ArgumentError } from '../../../src/errors.js';
import { RespDecoder } from '../../../src/resp/decoder.js';
import { type EncodedCommand, encodeCommand, joinEncoded } from '../../../src/resp/encode-command.js';

/** The bytes an encoded command puts on the wire (parts one after the other). */
function wireBytes(encoded: EncodedCommand): Buffer {
  if (typeof encoded === 'string') return Buffer.from(encoded, 'utf8');
  if (encoded instanceof Uint8Array) return encoded;
  return Buffer.concat(encoded.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part)));
}

/** Decodes RESP bytes (buffer mode) into the replies they hold. */
function decodeAll(encoded: EncodedCommand): unknown[] {
  const values: unknown[] = [];
  const decoder = new RespDecoder({ onReply: (v) => values.push(v), onPush: () => {} });
  decoder.returnBuffers = true;
  decoder.feed(wireBytes(encoded));
  expect(decoder.bufferedBytes).toBe(0);
  return values;
}

/** The bytes the server should receive for one argument. */
function bytesOf(arg: RedisArg): Buffer {
  if (typeof arg === 'string') return Buffer.from(arg, 'utf8');
  if (typeof arg === 'bigint') return Buffer.from(arg.toString());
  if (typeof arg === 'number') {
    return Buffer.from(Number.isInteger(arg) && Math.abs(arg) >= 1e21 ? BigInt(arg).toString() : String(arg));
  }
  return Buffer.from(arg);
}

describe('encodeCommand', () => {
  it('encodes a command of strings as a string', () => {
    expect(encodeCommand('SET', ['key', 'value'])).toBe('*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n');
    expect(encodeCommand('PING', [])).toBe('*1\r\n$4\r\nPING\r\n');
    expect(encodeCommand('SET', ['', ''])).toBe('*3\r\n$3\r\nSET\r\n$0\r\n\r\n$0\r\n\r\n');
  });

  it('counts string lengths in UTF-8 bytes', () => {
    expect(encodeCommand('SET', ['clé', '日本', '😀'])).toBe(
      '*4\r\n$3\r\nSET\r\n$4\r\nclé\r\n$6\r\n日本\r\n$4\r\n😀\r\n',
    );
  });

  it('writes numbers and bigints as decimal text', () => {
    expect(encodeCommand('X', [0, -1, 42, 1.5, -0, 1e21, -2e21, 1e-7, 2n ** 64n, -3n])).toBe(
      '*11\r\n$1\r\nX\r\n$1\r\n0\r\n$2\r\n-1\r\n$2\r\n42\r\n$3\r\n1.5\r\n$1\r\n0\r\n' +
        '$22\r\n1000000000000000000000\r\n$23\r\n-2000000000000000000000\r\n$4\r\n1e-7\r\n' +
        '$20\r\n18446744073709551616\r\n$2\r\n-3\r\n',
    );
  });

  it('returns a Buffer with the exact bytes when an argument is binary', () => {
    const value = Buffer.from([0xff, 0x00, 0x0d, 0x0a]);
    const encoded = encodeCommand('SET', ['clé', value, 7]);
    expect(Buffer.isBuffer(encoded)).toBe(true);
    expect(encoded).toEqual(
      Buffer.concat([
        Buffer.from('*4\r\n$3\r\nSET\r\n$4\r\nclé\r\n$4\r\n'),
        value,
        Buffer.from('\r\n$1\r\n7\r\n'),
      ]),
    );
  });

  it('keeps a binary argument of 64 KiB or more as a part of its own: the same bytes on the wire, not a copy', () => {
    const large = Buffer.alloc(64 * 1024, 0x61);
    const small = Buffer.from([0xff, 0x0d]);
    const encoded = encodeCommand('MSET', ['clé', large, small, 7, new Uint8Array(large) as Buffer]);
    expect(Array.isArray(encoded)).toBe(true);
    const parts = encoded as readonly (string | Uint8Array)[];
    expect(parts.filter((part) => part === large)).toHaveLength(1);
    expect(parts.filter((part) => part.length === large.length)).toHaveLength(2);
    expect(wireBytes(encoded)).toEqual(
      Buffer.concat([
        Buffer.from('*6\r\n$4\r\nMSET\r\n$4\r\nclé\r\n$65536\r\n'),
        large,
        Buffer.from('\r\n$2\r\n'),
        small,
        Buffer.from('\r\n$1\r\n7\r\n$65536\r\n'),
        large,
        Buffer.from('\r\n'),
      ]),
    );
    expect(decodeAll(encoded)).toEqual([
      [Buffer.from('MSET'), Buffer.from('clé'), large, small, Buffer.from('7'), large],
    ]);
    // One byte less is copied into a single Buffer, as before.
    expect(Buffer.isBuffer(encodeCommand('SET', ['k', large.subarray(1)]))).toBe(true);
  });

  it('accepts Uint8Array views that are not Buffers', () => {
    const backing = new Uint8Array([9, 1, 2, 3, 9]);
    const view = backing.subarray(1, 4);
    expect(encodeCommand('SET', ['k', view as unknown as Buffer])).toEqual(
      Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n\x01\x02\x03\r\n', 'latin1'),
    );
  });

  it('names the command and the position of an invalid argument, never its value', () => {
    const invalid: [unknown, string][] = [
      [undefined, 'is undefined'],
      [null, 'is null'],
      [true, 'is a boolean'],
      [{ password: 'hunter2' }, 'is an object'],
      [['hunter2'], 'is an array'],
      [Symbol('hunter2'), 'is a symbol'],
      [() => 'hunter2', 'is a function'],
      [Number.NaN, 'is a non-finite number'],
      [Number.POSITIVE_INFINITY, 'is a non-finite number'],
      [Number.NEGATIVE_INFINITY, 'is a non-finite number'],
      [new Date(), 'is an object'],
      [new Uint16Array(2), 'is an object'],
    ];
    for (const [arg, description] of invalid) {
      const call = () => encodeCommand('SET', ['key', arg as RedisArg]);
      expect(call).toThrow(ArgumentError);
      expect(call).toThrow(`SET: argument 2 ${description}`);
      try {
        call();
      } catch (error) {
        expect((error as ArgumentError).code).toBe('ERR_KEYSLOT_ARGUMENT');
        expect(error).toBeInstanceOf(TypeError);
        expect((error as Error).message).not.toContain('hunter2');
      }
    }
    expect(() => encodeCommand('SET', [undefined as unknown as RedisArg])).toThrow(
      'SET: argument 1 is undefined; pass a string, Buffer, number or bigint',
    );
  });

  it('rejects an invalid argument that comes after a Buffer too', () => {
    expect(() => encodeCommand('SET', [Buffer.from('k'), null as unknown as RedisArg])).toThrow(
      'SET: argument 2 is null',
    );
    expect(() => encodeCommand('SET', [Buffer.from('k'), Number.NaN])).toThrow(
      'SET: argument 2 is a non-finite',
    );
  });

  it('rejects a command name that is not a string', () => {
    expect(() => encodeCommand(undefined as unknown as string, [])).toThrow(ArgumentError);
  });
});

describe('joinEncoded', () => {
  it('joins strings into one string', () => {
    expect(joinEncoded(['a', 'b', 'c'])).toBe('abc');
    expect(joinEncoded([])).toBe('');
  });

  it('returns a single piece as it is', () => {
    const piece = Buffer.from('x');
    expect(joinEncoded([piece])).toBe(piece);
  });

  it('joins strings and Buffers into one Buffer of the exact bytes', () => {
    const joined = joinEncoded(['é', 'a', Buffer.from([0xff]), Buffer.from([0]), 'b', '😀']);
    expect(joined).toEqual(Buffer.concat([Buffer.from('éa'), Buffer.from([0xff, 0]), Buffer.from('b😀')]));
  });

  it('joins commands with a large argument into one Buffer of their bytes', () => {
    const large = encodeCommand('SET', ['k', Buffer.alloc(70_000, 1)]);
    expect(joinEncoded(['x', large, 'y'])).toEqual(
      Buffer.concat([Buffer.from('x'), wireBytes(large), Buffer.from('y')]),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties

/** `FC_SCALE=20 npx vitest run ...` runs every property twenty times longer. */
const scale = Number(process.env.FC_SCALE ?? '1');

const arg: fc.Arbitrary<RedisArg> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.constantFrom('', '\r\n', '$3\r\nfoo', '*1\r\n', '\u0000', '\ud83d\ude00'),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53, 1e21, -1e300, 5e-324),
  fc.bigInt(),
);

describe('encodeCommand properties', { timeout: 60_000 * scale }, () => {
  it('decodes back to the exact bytes of the name and every argument', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
        fc.array(arg, { maxLength: 8 }),
        (name, args) => {
          const encoded = encodeCommand(name, args);
          expect(typeof encoded === 'string').toBe(!args.some((a) => Buffer.isBuffer(a)));
          expect(decodeAll(encoded)).toEqual([[Buffer.from(name), ...args.map(bytesOf)]]);
        },
      ),
      { numRuns: 2000 * scale },
    );
  });

  it('round-trips numbers through their encoded text', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const [[, text]] = decodeAll(encodeCommand('X', [n])) as [[Buffer, Buffer]];
        const parsed = Number(text.toString());
        expect(parsed === n || (parsed === 0 && n === 0)).toBe(true);
        if (Number.isInteger(n)) expect(text.toString()).toMatch(/^-?\d+$/);
      }),
      { numRuns: 1000 * scale },
    );
  });

  it('joins any mix of encoded commands into the bytes of all of them', () => {
    fc.assert(
      fc.property(fc.array(fc.array(arg, { maxLength: 4 }), { maxLength: 6 }), (commands) => {
        const pieces = commands.map((args) => encodeCommand('CMD', args));
        const joined = joinEncoded(pieces);
        expect(wireBytes(joined)).toEqual(Buffer.concat(pieces.map(wireBytes)));
        expect(typeof joined === 'string').toBe(pieces.every((p) => typeof p === 'string'));
      }),
      { numRuns: 500 * scale },
    );
  });

  it('rejects every invalid argument with an ArgumentError naming its position', () => {
    const invalid = fc.oneof(
      fc.constantFrom(
        undefined,
        null,
        true,
        false,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
      ),
      fc.object(),
      fc.array(fc.string()),
      fc.string().map((s) => Symbol(s)),
    );
    fc.assert(
      fc.property(
        fc.array(arg, { maxLength: 5 }),
        invalid,
        fc.array(arg, { maxLength: 5 }),
        (before, bad, after) => {
          const args = [...before, bad, ...after] as RedisArg[];
          let error: unknown;
          try {
            encodeCommand('CMD', args);
          } catch (caught) {
            error = caught;
          }
          expect(error).toBeInstanceOf(ArgumentError);
          expect((error as ArgumentError).message).toContain(`CMD: argument ${before.length + 1} is `);
        },
      ),
      { numRuns: 1000 * scale },
    );
  });
});
