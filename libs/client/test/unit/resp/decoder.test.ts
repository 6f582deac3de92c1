import { describe, expect, it, vi } from 'vitest';
import { ProtocolError, ReplyError } from '../../../src/errors.js';
import { type DecoderOptions, RespDecoder } from '../../../src/resp/decoder.js';
import type { DecoderEvent } from '../../support/write-reply.js';

interface Decoded {
  events: DecoderEvent[];
  decoder: RespDecoder;
}

function decoderFor(events: DecoderEvent[], options?: DecoderOptions): RespDecoder {
  return new RespDecoder(
    {
      onReply: (value) => events.push({ kind: 'reply', value }),
      onPush: (value) => events.push({ kind: 'push', value }),
      onAttribute: (value) => events.push({ kind: 'attribute', value }),
    },
    options,
  );
}

/** Decodes `input` whole, then again one byte at a time, and checks both give the same events. */
function decode(input: string | Buffer, options: DecoderOptions & { buffers?: boolean } = {}): Decoded {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const events: DecoderEvent[] = [];
  const decoder = decoderFor(events, options);
  decoder.returnBuffers = options.buffers ?? false;
  decoder.feed(bytes);

  const byteEvents: DecoderEvent[] = [];
  const byteDecoder = decoderFor(byteEvents, options);
  byteDecoder.returnBuffers = options.buffers ?? false;
  for (let i = 0; i < bytes.length; i++) byteDecoder.feed(bytes.subarray(i, i + 1));
  expect(byteEvents).toEqual(events);
  expect(byteDecoder.bufferedBytes).toBe(decoder.bufferedBytes);
  return { events, decoder };
}

/** The values of the replies decoded from `input`. */
function replies(input: string | Buffer, options: DecoderOptions & { buffers?: boolean } = {}): unknown[] {
  const { events, decoder } = decode(input, options);
  expect(decoder.bufferedBytes).toBe(0);
  return events.map((event) => {
    expect(event.kind).toBe('reply');
    return event.value;
  });
}

function reply(input: string | Buffer, options: DecoderOptions & { buffers?: boolean } = {}): unknown {
  const values = replies(input, options);
  expect(values).toHaveLength(1);
  return values[0];
}

/** The ProtocolError that decoding `input` (whole, then byte by byte) throws. */
function protocolError(input: string | Buffer, options?: DecoderOptions): ProtocolError {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const whole = decoderFor([], options);
  let error: unknown;
  try {
    whole.feed(bytes);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ProtocolError);

  const byByte = decoderFor([], options);
  let byteError: unknown;
  try {
    for (let i = 0; i < bytes.length; i++) byByte.feed(bytes.subarray(i, i + 1));
  } catch (caught) {
    byteError = caught;
  }
  expect(byteError).toBeInstanceOf(ProtocolError);
  return error as ProtocolError;
}

describe('RespDecoder: simple strings and errors', () => {
  it('decodes simple strings, including OK, empty and UTF-8 text', () => {
    expect(replies('+OK\r\n+PONG\r\n+\r\n+caf\xc3\xa9\r\n')).toEqual(['OK', 'PONG', '', 'café']);
  });

  it('keeps simple strings as strings in buffer mode', () => {
    expect(reply('+OK\r\n', { buffers: true })).toBe('OK');
  });

  it('delivers a top-level error as a ReplyError value, never throwing it', () => {
    const error = reply('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    expect(error).toBeInstanceOf(ReplyError);
    expect((error as ReplyError).prefix).toBe('WRONGTYPE');
    expect((error as ReplyError).message).toBe(
      'WRONGTYPE Operation against a key holding the wrong kind of value',
    );
  });

  it('decodes errors nested in arrays, as EXEC returns them', () => {
    const value = reply('*3\r\n+OK\r\n-ERR value is not an integer or out of range\r\n:1\r\n') as unknown[];
    expect(value[0]).toBe('OK');
    expect(value[1]).toBeInstanceOf(ReplyError);
    expect((value[1] as ReplyError).prefix).toBe('ERR');
    expect(value[2]).toBe(1);
  });

  it('decodes RESP3 bulk errors, with any bytes including CRLF', () => {
    const error = reply('!22\r\nSYNTAX invalid\r\nsyntax\r\n') as ReplyError;
    expect(error).toBeInstanceOf(ReplyError);
    expect(error.prefix).toBe('SYNTAX');
    expect(error.message).toBe('SYNTAX invalid\r\nsyntax');
  });

  it('decodes bulk errors as ReplyErrors in buffer mode too', () => {
    expect(reply('!5\r\nERR x\r\n', { buffers: true })).toBeInstanceOf(ReplyError);
  });
});

describe('RespDecoder: integers', () => {
  it('decodes integers as numbers', () => {
    expect(replies(':0\r\n:1\r\n:-1\r\n:+7\r\n:1000\r\n:-0\r\n')).toEqual([0, 1, -1, 7, 1000, 0]);
    expect(Object.is(replies(':-0\r\n')[0], 0)).toBe(true);
  });

  it('returns numbers up to Number.MAX_SAFE_INTEGER and bigints beyond, both signs', () => {
    expect(
      replies(
        ':9007199254740991\r\n:9007199254740992\r\n:-9007199254740991\r\n:-9007199254740992\r\n' +
          ':123456789012345\r\n:1234567890123456\r\n:0000000000000000001\r\n',
      ),
    ).toEqual([
      9007199254740991,
      9007199254740992n,
      -9007199254740991,
      -9007199254740992n,
      123456789012345,
      1234567890123456,
      1,
    ]);
  });

  it('decodes the 64-bit extremes as bigints', () => {
    expect(replies(':9223372036854775807\r\n:-9223372036854775808\r\n')).toEqual([
      9223372036854775807n,
      -9223372036854775808n,
    ]);
  });
});

describe('RespDecoder: bulk strings', () => {
  it('decodes bulk strings as UTF-8 strings by default', () => {
    expect(replies('$3\r\nfoo\r\n$0\r\n\r\n$8\r\nbar\r\nbaz\r\n$5\r\nh\xc3\xa9ll\r\n')).toEqual([
      'foo',
      '',
      'bar\r\nbaz',
      'héll',
    ]);
  });

  it('decodes strings of every small length, ASCII or not', () => {
    for (let n = 0; n <= 20; n++) {
      const ascii = 'abcdefghijklmnopqrstuvwxyz'.slice(0, n);
      expect(reply(`$${n}\r\n${ascii}\r\n`)).toBe(ascii);
      if (n >= 2) {
        const text = `${'x'.repeat(n - 2)}é`;
        expect(reply(Buffer.from(`$${n}\r\n${text}\r\n`))).toBe(text);
      }
    }
  });

  it('returns the exact bytes in buffer mode, including invalid UTF-8', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a, 0x80, 0xc3]);
    const input = Buffer.concat([Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n')]);
    const value = reply(input, { buffers: true });
    expect(Buffer.isBuffer(value)).toBe(true);
    expect(value).toEqual(bytes);
  });

  it('copies values out of the fed chunk, so that they never keep it alive or change with it', () => {
    const small = Buffer.from('$3\r\nabc\r\n');
    const large = Buffer.from(`$100\r\n${'z'.repeat(100)}\r\n`);
    const values: unknown[] = [];
    const decoder = new RespDecoder({ onReply: (v) => values.push(v), onPush: () => {} });
    decoder.returnBuffers = true;
    decoder.feed(small);
    decoder.feed(large);
    small.fill(0);
    large.fill(0);
    expect((values[0] as Buffer).toString()).toBe('abc');
    expect((values[1] as Buffer).toString()).toBe('z'.repeat(100));

    // The header in one chunk, the whole payload in the next: the payload is still copied out.
    const payload = Buffer.from('xyz\r\n');
    decoder.feed(Buffer.from('$3\r\n'));
    decoder.feed(payload);
    payload.fill(0);
    expect((values[2] as Buffer).toString()).toBe('xyz');
  });

  it('decodes null bulk strings and null arrays as null', () => {
    expect(replies('$-1\r\n*-1\r\n_\r\n%-1\r\n~-1\r\n')).toEqual([null, null, null, null, null]);
  });

  it('follows returnBuffers as flipped between replies', () => {
    const values: unknown[] = [];
    const decoder = new RespDecoder({
      onReply: (value) => {
        values.push(value);
        decoder.returnBuffers = !decoder.returnBuffers;
      },
      onPush: () => {},
    });
    decoder.feed(Buffer.from('$1\r\na\r\n$1\r\nb\r\n*2\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n'));
    expect(values).toEqual(['a', Buffer.from('b'), ['c', 'd'], Buffer.from('e')]);
  });

  it('decodes a bulk string split across chunks, joined once', () => {
    const payload = Buffer.alloc(300_000, 'q');
    const input = Buffer.concat([Buffer.from(`$${payload.length}\r\n`), payload, Buffer.from('\r\n+OK\r\n')]);
    const values: unknown[] = [];
    const decoder = new RespDecoder({ onReply: (v) => values.push(v), onPush: () => {} });
    decoder.returnBuffers = true;
    for (let i = 0; i < input.length; i += 1000) {
      decoder.feed(input.subarray(i, i + 1000));
      expect(decoder.bufferedBytes).toBeLessThanOrEqual(i + 1000);
    }
    expect(values).toHaveLength(2);
    // Buffer#equals: toEqual() walks a large Buffer byte by byte, slowly.
    expect(payload.equals(values[0] as Buffer)).toBe(true);
    expect(values[1]).toBe('OK');
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('does not reserve memory for a declared length that has not arrived', () => {
    const decoder = new RespDecoder({ onReply: () => {}, onPush: () => {} });
    const before = process.memoryUsage().arrayBuffers;
    decoder.feed(Buffer.from('$500000000\r\n0123456789'));
    expect(decoder.bufferedBytes).toBe(10);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(50_000_000);
  });

  it('does not reserve a gigabyte for a $1000000000 header followed by 10 bytes', () => {
    const decoder = new RespDecoder({ onReply: () => {}, onPush: () => {} }, { maxBulkLength: 2 ** 31 });
    const before = process.memoryUsage().arrayBuffers;
    decoder.feed(Buffer.from('$1000000000\r\n'));
    decoder.feed(Buffer.from('0123456789'));
    expect(decoder.bufferedBytes).toBe(10);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(50_000_000);
  });

  it('copies a large value arriving in 64 KiB chunks at most twice over, whatever the number of chunks (linear time)', () => {
    const size = 8 * 1024 * 1024;
    const input = Buffer.concat([Buffer.from(`$${size}\r\n`), Buffer.alloc(size, 'v'), Buffer.from('\r\n')]);
    const values: unknown[] = [];
    const decoder = new RespDecoder({ onReply: (v) => values.push(v), onPush: () => {} });
    decoder.returnBuffers = true;
    const copy = vi.spyOn(Buffer.prototype, 'copy');
    const indexOf = vi.spyOn(Buffer.prototype, 'indexOf');
    let copied = 0;
    try {
      for (let i = 0; i < input.length; i += 65536) decoder.feed(input.subarray(i, i + 65536));
      for (const [, , from, to] of copy.mock.calls) copied += (to as number) - (from as number);
      expect(indexOf).not.toHaveBeenCalled();
    } finally {
      copy.mockRestore();
      indexOf.mockRestore();
    }
    expect(copied).toBeGreaterThanOrEqual(size);
    expect(copied).toBeLessThanOrEqual(2 * size);
    expect(values).toHaveLength(1);
    expect((values[0] as Buffer).equals(Buffer.alloc(size, 'v'))).toBe(true);
  });

  it('decodes large text arriving in chunks, multi-byte characters split between chunks included', () => {
    const text = 'aé日😀'.repeat(100_000);
    const bytes = Buffer.from(text);
    const input = Buffer.concat([Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n:1\r\n')]);
    const values: unknown[] = [];
    const decoder = new RespDecoder({ onReply: (v) => values.push(v), onPush: () => {} });
    for (let i = 0; i < input.length; i += 65_531) decoder.feed(input.subarray(i, i + 65_531));
    expect(values).toEqual([text, 1]);
  });

  it('finds the CRLF after a chunked payload even when the CR and LF arrive apart', () => {
    for (const split of [1, 2, 3]) {
      const input = Buffer.from('$5\r\nhello\r\n');
      const values: unknown[] = [];
      const decoder = new RespDecoder({ onReply: (v) => values.push(v), onPush: () => {} });
      decoder.feed(input.subarray(0, 7));
      decoder.feed(input.subarray(7, input.length - split));
      decoder.feed(input.subarray(input.length - split));
      expect(values).toEqual(['hello']);
    }
    const broken = new RespDecoder({ onReply: () => {}, onPush: () => {} });
    broken.feed(Buffer.from('$5\r\nhel'));
    broken.feed(Buffer.from('lo\r'));
    expect(() => broken.feed(Buffer.from('X'))).toThrow('missing CRLF');
  });

  it('joins a long line arriving in many chunks once', () => {
    const text = 'e'.repeat(200_000);
    const input = Buffer.from(`-ERR ${text}\r\n`);
    const values: unknown[] = [];
    const decoder = new RespDecoder({ onReply: (v) => values.push(v), onPush: () => {} });
    const concat = vi.spyOn(Buffer, 'concat');
    try {
      for (let i = 0; i < input.length; i += 1000) decoder.feed(input.subarray(i, i + 1000));
      expect(concat).toHaveBeenCalledTimes(1);
    } finally {
      concat.mockRestore();
    }
    expect((values[0] as ReplyError).message).toBe(`ERR ${text}`);
  });

  it('does not pre-size arrays for elements that have not arrived', () => {
    const values: unknown[] = [];
    const decoder = new RespDecoder({ onReply: (v) => values.push(v), onPush: () => {} });
    decoder.feed(Buffer.from('*400000000\r\n:1\r\n'));
    expect(decoder.bufferedBytes).toBe(0);
    decoder.reset();
    decoder.feed(Buffer.from('*2\r\n:1\r\n:2\r\n'));
    expect(values).toEqual([[1, 2]]);
  });
});

describe('RespDecoder: aggregates', () => {
  it('decodes arrays, nested arrays and empty arrays', () => {
    expect(reply('*3\r\n$1\r\na\r\n*2\r\n:1\r\n*0\r\n\r\n_\r\n'.replace('\r\n\r\n', '\r\n'))).toEqual([
      'a',
      [1, []],
      null,
    ]);
  });

  it('decodes maps to Map, with keys decoded by the same rules', () => {
    const value = reply('%3\r\n+a\r\n:1\r\n$1\r\nb\r\n*1\r\n:2\r\n:3\r\n#t\r\n');
    expect(value).toBeInstanceOf(Map);
    expect([...(value as Map<unknown, unknown>)]).toEqual([
      ['a', 1],
      ['b', [2]],
      [3, true],
    ]);
    expect(reply('%0\r\n')).toEqual(new Map());
  });

  it('keeps byte-exact Buffer map keys in buffer mode', () => {
    const key = Buffer.from([0xff, 0x00, 0x80]);
    const input = Buffer.concat([
      Buffer.from('%2\r\n$3\r\n'),
      key,
      Buffer.from('\r\n$2\r\n\xfe\xfd\r\n+simple\r\n$1\r\nv\r\n', 'latin1'),
    ]);
    const map = reply(input, { buffers: true }) as Map<unknown, unknown>;
    const entries = [...map];
    expect(entries[0]).toEqual([key, Buffer.from([0xfe, 0xfd])]);
    expect(entries[1]).toEqual(['simple', Buffer.from('v')]);
  });

  it('decodes sets to arrays', () => {
    expect(reply('~3\r\n+a\r\n+b\r\n+a\r\n')).toEqual(['a', 'b', 'a']);
    expect(reply('~0\r\n')).toEqual([]);
  });

  it('accepts nesting up to maxNesting and rejects one level more', () => {
    const nested = (depth: number) => `${'*1\r\n'.repeat(depth)}:1\r\n`;
    let expected: unknown = 1;
    for (let i = 0; i < 128; i++) expected = [expected];
    expect(reply(nested(128))).toEqual(expected);
    expect(protocolError(nested(129)).message).toContain('maxNesting (128)');
    expect(reply(nested(3), { maxNesting: 3 })).toEqual([[[1]]]);
    expect(protocolError(nested(4), { maxNesting: 3 }).message).toContain('maxNesting (3)');
    expect(reply('*1\r\n*1\r\n*0\r\n', { maxNesting: 3 })).toEqual([[[]]]);
    expect(protocolError('*1\r\n*1\r\n*1\r\n%0\r\n', { maxNesting: 3 }).message).toContain('maxNesting (3)');
  });

  it('continues after a completed deep reply at the right level', () => {
    expect(replies('*2\r\n*2\r\n:1\r\n:2\r\n*1\r\n:3\r\n:4\r\n')).toEqual([[[1, 2], [3]], 4]);
  });
});

describe('RespDecoder: RESP3 scalars', () => {
  it('decodes doubles, including exponents, inf and nan', () => {
    const values = replies(
      ',1.5\r\n,-2\r\n,0\r\n,4.56789\r\n,1e10\r\n,1.5E-3\r\n,-2.5e+2\r\n,inf\r\n,-inf\r\n,+inf\r\n,nan\r\n,-0\r\n' +
        ',12345678901234567890\r\n,.5\r\n,1.\r\n',
    );
    expect(values.slice(0, 10)).toEqual([
      1.5,
      -2,
      0,
      4.56789,
      1e10,
      1.5e-3,
      -250,
      Infinity,
      -Infinity,
      Infinity,
    ]);
    expect(values[10]).toBeNaN();
    expect(Object.is(values[11], -0)).toBe(true);
    expect(values.slice(12)).toEqual([Number('12345678901234567890'), 0.5, 1]);
  });

  it('decodes booleans', () => {
    expect(replies('#t\r\n#f\r\n')).toEqual([true, false]);
  });

  it('decodes big numbers as bigints', () => {
    expect(replies('(3492890328409238509324850943850943825024385\r\n(-12\r\n(0\r\n')).toEqual([
      3492890328409238509324850943850943825024385n,
      -12n,
      0n,
    ]);
  });

  it('decodes RESP3 null', () => {
    expect(reply('_\r\n')).toBeNull();
  });

  it('decodes verbatim strings without their format prefix', () => {
    expect(replies('=15\r\ntxt:Some string\r\n=4\r\nmkd:\r\n')).toEqual(['Some string', '']);
    const bytes = reply(Buffer.from('=6\r\ntxt:\xff\x00\r\n', 'latin1'), { buffers: true });
    expect(bytes).toEqual(Buffer.from([0xff, 0x00]));
  });
});

describe('RespDecoder: attributes and push', () => {
  it('reports an attribute, then decodes the value after it as usual', () => {
    const { events } = decode(
      '|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n',
    );
    expect(events).toEqual([
      {
        kind: 'attribute',
        value: new Map([
          [
            'key-popularity',
            new Map([
              ['a', 0.1923],
              ['b', 0.0012],
            ]),
          ],
        ]),
      },
      { kind: 'reply', value: [2039123, 9543892] },
    ]);
  });

  it('reports attributes inside aggregates without counting them as elements', () => {
    const { events } = decode('*2\r\n:1\r\n|1\r\n+ttl\r\n:3600\r\n:2\r\n|0\r\n+OK\r\n');
    expect(events).toEqual([
      { kind: 'attribute', value: new Map([['ttl', 3600]]) },
      { kind: 'reply', value: [1, 2] },
      { kind: 'attribute', value: new Map() },
      { kind: 'reply', value: 'OK' },
    ]);
  });

  it('drops attributes when there is no onAttribute handler', () => {
    const values: unknown[] = [];
    const decoder = new RespDecoder({ onReply: (v) => values.push(v), onPush: () => {} });
    decoder.feed(Buffer.from('|1\r\n+a\r\n+b\r\n:1\r\n'));
    expect(values).toEqual([1]);
  });

  it('delivers top-level push frames to onPush, in order with replies', () => {
    const { events } = decode(
      '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n+OK\r\n>0\r\n>2\r\n+invalidate\r\n*1\r\n$3\r\nkey\r\n',
    );
    expect(events).toEqual([
      { kind: 'push', value: ['message', 'ch', 'hello'] },
      { kind: 'reply', value: 'OK' },
      { kind: 'push', value: [] },
      { kind: 'push', value: ['invalidate', ['key']] },
    ]);
  });

  it('decodes a push frame nested in an aggregate as a plain array', () => {
    expect(reply('*1\r\n>1\r\n:1\r\n')).toEqual([[1]]);
    expect(reply('*1\r\n>0\r\n')).toEqual([[]]);
  });
});

describe('RespDecoder: malformed input', () => {
  const cases: [string, string | Buffer, string][] = [
    ['an unknown type byte', 'A\r\n', "unknown type byte 0x41 ('A')"],
    ['an unknown type byte after a valid reply', '+OK\r\n?x\r\n', 'unknown type byte'],
    ['a non-printable type byte', Buffer.from([0x00, 0x0d, 0x0a]), 'unknown type byte 0x00'],
    ['streamed strings', '$?\r\n;3\r\nabc\r\n;0\r\n', 'malformed length'],
    ['a non-numeric bulk length', '$abc\r\n', 'malformed length'],
    ['an empty bulk length', '$\r\n', 'missing length'],
    ['a bulk length with a space', '$ 3\r\nfoo\r\n', 'malformed length'],
    ['a negative bulk length other than -1', '$-2\r\nab\r\n', 'negative length'],
    ['a negative array length other than -1', '*-5\r\n', 'negative length'],
    ['-0 as a length', '*-0\r\n', 'negative length'],
    ['a length ended by LF alone', '$3\nfoo\r\n', 'malformed length'],
    ['a length ended by CR and not LF', '$3\rXfoo\r\n', 'missing LF'],
    ['a missing CRLF after a bulk payload', '$3\r\nfooXY', 'missing CRLF'],
    ['a bulk payload longer than declared', '$2\r\nfoo\r\n', 'missing CRLF'],
    ['a simple string ended by LF alone', '+OK\n', 'not ended by CRLF'],
    ['an error ended by LF alone', '-ERR\n', 'not ended by CRLF'],
    ['a malformed integer', ':12a\r\n', 'malformed integer'],
    ['an empty integer', ':\r\n', 'empty integer'],
    ['an integer of only a sign', ':-\r\n', 'empty integer'],
    ['an integer too long for 64 bits', `:${'9'.repeat(21)}\r\n`, 'longer than 20 digits'],
    ['a malformed double', ',1.2.3\r\n', 'malformed double'],
    ['a double with letters', ',12abc\r\n', 'malformed double'],
    ['an empty double', ',\r\n', 'malformed double'],
    ['a double spelled Infinity', ',Infinity\r\n', 'malformed double'],
    ['a hexadecimal double', ',0x10\r\n', 'malformed double'],
    ['a double with an empty exponent', ',1e\r\n', 'exponent'],
    ['a malformed boolean', '#x\r\n', 'malformed boolean'],
    ['a boolean with extra bytes', '#tt\r\n', 'malformed boolean'],
    ['a malformed null', '_x\r\n', 'malformed null'],
    ['a malformed big number', '(12x\r\n', 'malformed big number'],
    ['an empty big number', '(\r\n', 'empty big number'],
    ['a verbatim string without prefix', '=3\r\nabc\r\n', 'format prefix'],
    ['a verbatim string with a bad prefix', '=6\r\ntxt-ab\r\n', 'format prefix'],
    ['a null push', '>-1\r\n', 'null'],
    ['a null attribute', '|-1\r\n', 'null'],
    ['a null verbatim string', '=-1\r\n', 'null'],
    ['a null bulk error', '!-1\r\n', 'null'],
    ['a malformed length nested in an array', '*2\r\n:1\r\n*x\r\n', 'malformed length'],
  ];

  for (const [what, input, message] of cases) {
    it(`rejects ${what}`, () => {
      expect(protocolError(input).message).toContain(message);
    });
  }

  it('rejects bulk and aggregate lengths above maxBulkLength, before their payload arrives', () => {
    expect(protocolError('$11\r\n', { maxBulkLength: 10 }).message).toContain('maxBulkLength (10)');
    expect(protocolError('*11\r\n', { maxBulkLength: 10 }).message).toContain('maxBulkLength (10)');
    expect(protocolError('$536870913\r\n').message).toContain('maxBulkLength (536870912)');
    expect(reply('$10\r\n0123456789\r\n', { maxBulkLength: 10 })).toBe('0123456789');
  });

  it('rejects simple strings longer than maxBulkLength, even when no CRLF comes', () => {
    expect(protocolError('+0123456789ab\r\n', { maxBulkLength: 10 }).message).toContain(
      'longer than maxBulkLength',
    );
    expect(protocolError(`+${'x'.repeat(20)}`, { maxBulkLength: 10 }).message).toContain('maxBulkLength');
    expect(reply('+0123456789\r\n', { maxBulkLength: 10 })).toBe('0123456789');
  });

  it('rejects an endless run of digits in a length', () => {
    expect(protocolError(`$${'0'.repeat(40)}`).message).toMatch(/digits|longer than 32/);
  });

  it('does not echo the server bytes beyond the type byte in its messages', () => {
    const error = protocolError('$3\r\nsecret-password\r\n');
    expect(error.message).not.toContain('secret');
    expect(protocolError(',secret\r\n').message).not.toContain('secret');
  });

  it('refuses further input after an error until reset', () => {
    const values: unknown[] = [];
    const decoder = new RespDecoder({ onReply: (v) => values.push(v), onPush: () => {} });
    expect(() => decoder.feed(Buffer.from('*2\r\n:1\r\nX'))).toThrow(ProtocolError);
    expect(() => decoder.feed(Buffer.from('+OK\r\n'))).toThrow(/reset\(\)/);
    decoder.reset();
    decoder.feed(Buffer.from('+OK\r\n'));
    expect(values).toEqual(['OK']);
  });

  it('rejects invalid options', () => {
    const handlers = { onReply: () => {}, onPush: () => {} };
    expect(() => new RespDecoder(handlers, { maxNesting: 0 })).toThrow(/maxNesting/);
    expect(() => new RespDecoder(handlers, { maxBulkLength: -1 })).toThrow(/maxBulkLength/);
  });
});

describe('RespDecoder: handlers and reset', () => {
  it('reset() drops a partial reply', () => {
    const values: unknown[] = [];
    const decoder = new RespDecoder({ onReply: (v) => values.push(v), onPush: () => {} });
    decoder.feed(Buffer.from('*3\r\n:1\r\n$10\r\nabc'));
    expect(decoder.bufferedBytes).toBe(3);
    decoder.reset();
    expect(decoder.bufferedBytes).toBe(0);
    decoder.feed(Buffer.from(':7\r\n+OK'));
    decoder.reset();
    decoder.feed(Buffer.from(':8\r\n'));
    expect(values).toEqual([7, 8]);
  });

  it('stops decoding the current chunk when a handler resets the decoder', () => {
    const values: unknown[] = [];
    const decoder = new RespDecoder({
      onReply: (v) => {
        values.push(v);
        if (v === 2) decoder.reset();
      },
      onPush: () => {},
    });
    decoder.feed(Buffer.from(':1\r\n:2\r\n:3\r\n'));
    decoder.feed(Buffer.from(':4\r\n'));
    expect(values).toEqual([1, 2, 4]);
  });

  it('propagates a handler error and then requires a reset', () => {
    const decoder = new RespDecoder({
      onReply: () => {
        throw new Error('handler failed');
      },
      onPush: () => {},
    });
    expect(() => decoder.feed(Buffer.from(':1\r\n'))).toThrow('handler failed');
    expect(() => decoder.feed(Buffer.from(':1\r\n'))).toThrow(ProtocolError);
  });
});
