/**
 * Test support only: a RESP2/RESP3 reply writer, the server's side of what `RespDecoder` reads, and the value the
 * decoder is expected to produce for each reply. Used by the decoder's unit and property tests.
 */
import { ReplyError } from '../../src/errors.js';

/** A reply as a server would send it, with its RESP type made explicit. */
export type RespReply =
  | { readonly type: 'simple'; readonly value: string }
  | { readonly type: 'error'; readonly value: string }
  | { readonly type: 'bulkError'; readonly value: string }
  | { readonly type: 'integer'; readonly value: number | bigint }
  | { readonly type: 'bulk'; readonly value: Buffer }
  | { readonly type: 'verbatim'; readonly format: string; readonly value: Buffer }
  | { readonly type: 'double'; readonly value: number }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'bigNumber'; readonly value: bigint }
  /** `_` in RESP3, or the RESP2 forms `$-1` and `*-1`. */
  | { readonly type: 'null'; readonly form: '_' | '$-1' | '*-1' }
  | { readonly type: 'array' | 'set' | 'push'; readonly items: readonly RespReply[] }
  | { readonly type: 'map'; readonly entries: readonly (readonly [RespReply, RespReply])[] }
  /** An attribute, followed by the value it describes. */
  | {
      readonly type: 'attribute';
      readonly attributes: readonly (readonly [RespReply, RespReply])[];
      readonly value: RespReply;
    };

const CRLF = '\r\n';

/** The RESP bytes of `reply`. */
export function writeReply(reply: RespReply): Buffer {
  const parts: Buffer[] = [];
  write(reply, parts);
  return Buffer.concat(parts);
}

/** The RESP bytes of several replies, one after the other. */
export function writeReplies(replies: readonly RespReply[]): Buffer {
  const parts: Buffer[] = [];
  for (const reply of replies) write(reply, parts);
  return Buffer.concat(parts);
}

function line(parts: Buffer[], text: string): void {
  parts.push(Buffer.from(text + CRLF, 'utf8'));
}

function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

function write(reply: RespReply, parts: Buffer[]): void {
  switch (reply.type) {
    case 'simple':
      line(parts, `+${reply.value}`);
      return;
    case 'error':
      line(parts, `-${reply.value}`);
      return;
    case 'bulkError': {
      const bytes = Buffer.from(reply.value, 'utf8');
      line(parts, `!${bytes.length}`);
      parts.push(bytes, Buffer.from(CRLF));
      return;
    }
    case 'integer':
      line(parts, `:${reply.value}`);
      return;
    case 'bulk':
      line(parts, `$${reply.value.length}`);
      parts.push(reply.value, Buffer.from(CRLF));
      return;
    case 'verbatim': {
      const format = Buffer.from(`${reply.format}:`, 'latin1');
      line(parts, `=${format.length + reply.value.length}`);
      parts.push(format, reply.value, Buffer.from(CRLF));
      return;
    }
    case 'double':
      line(parts, `,${formatDouble(reply.value)}`);
      return;
    case 'boolean':
      line(parts, reply.value ? '#t' : '#f');
      return;
    case 'bigNumber':
      line(parts, `(${reply.value}`);
      return;
    case 'null':
      line(parts, reply.form);
      return;
    case 'array':
    case 'set':
    case 'push': {
      const prefix = reply.type === 'array' ? '*' : reply.type === 'set' ? '~' : '>';
      line(parts, `${prefix}${reply.items.length}`);
      for (const item of reply.items) write(item, parts);
      return;
    }
    case 'map':
      line(parts, `%${reply.entries.length}`);
      for (const [key, value] of reply.entries) {
        write(key, parts);
        write(value, parts);
      }
      return;
    case 'attribute':
      line(parts, `|${reply.attributes.length}`);
      for (const [key, value] of reply.attributes) {
        write(key, parts);
        write(value, parts);
      }
      write(reply.value, parts);
      return;
  }
}

/** What one decoded reply produces: a reply or a push, each preceded by the attributes met on the way. */
export type DecoderEvent =
  | { readonly kind: 'reply'; readonly value: unknown }
  | { readonly kind: 'push'; readonly value: unknown[] }
  | { readonly kind: 'attribute'; readonly value: Map<unknown, unknown> };

/**
 * The events `RespDecoder` should report for `reply`, with `returnBuffers` as given. Attributes are reported in
 * the order they complete: an attribute's own nested attributes first.
 */
export function expectedEvents(reply: RespReply, returnBuffers: boolean): DecoderEvent[] {
  const events: DecoderEvent[] = [];
  const top = unwrapAttributes(reply, returnBuffers, events);
  const value = expectedValue(top, returnBuffers, events);
  events.push(top.type === 'push' ? { kind: 'push', value: value as unknown[] } : { kind: 'reply', value });
  return events;
}

function unwrapAttributes(reply: RespReply, returnBuffers: boolean, events: DecoderEvent[]): RespReply {
  let current = reply;
  while (current.type === 'attribute') {
    events.push({ kind: 'attribute', value: expectedMap(current.attributes, returnBuffers, events) });
    current = current.value;
  }
  return current;
}

function expectedMap(
  entries: readonly (readonly [RespReply, RespReply])[],
  returnBuffers: boolean,
  events: DecoderEvent[],
): Map<unknown, unknown> {
  const map = new Map<unknown, unknown>();
  for (const [key, value] of entries) {
    const k = expectedValue(unwrapAttributes(key, returnBuffers, events), returnBuffers, events);
    const v = expectedValue(unwrapAttributes(value, returnBuffers, events), returnBuffers, events);
    map.set(k, v);
  }
  return map;
}

/** The value `reply` decodes to (attributes inside it are appended to `events` as they complete). */
export function expectedValue(
  reply: RespReply,
  returnBuffers: boolean,
  events: DecoderEvent[] = [],
): unknown {
  switch (reply.type) {
    case 'simple':
      return reply.value;
    case 'error':
    case 'bulkError':
      return new ReplyError(reply.value);
    case 'integer': {
      const n = BigInt(reply.value);
      const safe = BigInt(Number.MAX_SAFE_INTEGER);
      return n > safe || n < -safe ? n : Number(n);
    }
    case 'bulk':
    case 'verbatim':
      return returnBuffers ? Buffer.from(reply.value) : reply.value.toString('utf8');
    case 'double':
      return reply.value;
    case 'boolean':
      return reply.value;
    case 'bigNumber':
      return reply.value;
    case 'null':
      return null;
    case 'array':
    case 'set':
    case 'push':
      return reply.items.map((item) =>
        expectedValue(unwrapAttributes(item, returnBuffers, events), returnBuffers, events),
      );
    case 'map':
      return expectedMap(reply.entries, returnBuffers, events);
    case 'attribute': {
      const inner = unwrapAttributes(reply, returnBuffers, events);
      return expectedValue(inner, returnBuffers, events);
    }
  }
}
