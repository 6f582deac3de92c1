/**
 * Reply transforms of the stream commands. Entry IDs are always text; field names and values follow the view
 * (an object of strings, or a Map of Buffers). XREAD answers with an array of `[name, entries]` in RESP2 and a map
 * in RESP3; entry fields are a flat array in both.
 */
import { toInteger, toMap, toRecord, toText, toTextOrNull, toTexts } from './replies.js';
import type { FieldMap, PendingStreamEntry, StreamEntry, StreamMessages } from './types.js';

/** XPENDING without a range: the group's pending-entries summary. */
export interface XPendingSummary<S> {
  /** How many entries are pending. */
  count: number;
  /** The smallest and greatest pending IDs; null when nothing is pending. */
  minId: string | null;
  maxId: string | null;
  /** Each consumer with pending entries, and how many. */
  consumers: { name: S; pending: number }[];
}

/** One pending entry from XPENDING with a range. */
export interface XPendingEntry<S> {
  id: string;
  consumer: S;
  /** Milliseconds since it was last delivered. */
  idleMs: number;
  /** How many times it was delivered. */
  deliveries: number;
}

/** XAUTOCLAIM: the claimed entries, where to continue, and the IDs that were deleted meanwhile. */
export interface XAutoClaimResult<E> {
  /** The start ID of the next call; `'0-0'` when the whole pending list was scanned. */
  nextId: string;
  entries: E[];
  /** Pending IDs whose entries no longer exist (removed from the pending list). */
  deletedIds: string[];
}

/** XINFO STREAM, as the server names its fields; entries are decoded as `StreamEntry`. */
export interface XInfoStream {
  length: number;
  'last-generated-id': string;
  groups: number;
  'first-entry': StreamEntry<string> | null;
  'last-entry': StreamEntry<string> | null;
  [field: string]: unknown;
}

/** XINFO GROUPS / XINFO CONSUMERS: one object per group or consumer, with the server's field names. */
export type XInfoRecord = Record<string, unknown>;

function fieldsOf(raw: unknown, buffers: boolean): FieldMap<string> | FieldMap<Buffer> | null {
  if (raw === null || raw === undefined) return null;
  return buffers ? (toMap(raw) as Map<Buffer, Buffer>) : (toRecord(raw) as Record<string, string>);
}

function entriesOf(reply: unknown, buffers: boolean): { id: string; fields: unknown }[] {
  const items = (reply ?? []) as unknown[][];
  const out = new Array<{ id: string; fields: unknown }>(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as unknown[];
    out[i] = { id: toText(item[0]), fields: fieldsOf(item[1], buffers) } as { id: string; fields: unknown };
  }
  return out;
}

function messagesOf(reply: unknown, buffers: boolean): StreamMessages<unknown, unknown>[] | null {
  if (reply === null || reply === undefined) return null;
  const out: StreamMessages<unknown, unknown>[] = [];
  if (reply instanceof Map) {
    for (const [name, entries] of reply) out.push({ name, messages: entriesOf(entries, buffers) });
  } else {
    for (const item of reply as unknown[][])
      out.push({ name: item[0], messages: entriesOf(item[1], buffers) });
  }
  return out;
}

/** XRANGE / XREVRANGE / XCLAIM, string view. */
export function toEntries(reply: unknown): StreamEntry<string>[] {
  return entriesOf(reply, false) as StreamEntry<string>[];
}

/** XRANGE / XREVRANGE / XCLAIM, Buffer view. */
export function toBufferEntries(reply: unknown): StreamEntry<Buffer>[] {
  return entriesOf(reply, true) as StreamEntry<Buffer>[];
}

/** XREAD / XREADGROUP, string view: `{ name, messages }[]`, or null on timeout. */
export function toMessages(reply: unknown): StreamMessages<string>[] | null {
  return messagesOf(reply, false) as StreamMessages<string>[] | null;
}

/** XREAD / XREADGROUP, Buffer view. */
export function toBufferMessages(reply: unknown): StreamMessages<Buffer>[] | null {
  return messagesOf(reply, true) as StreamMessages<Buffer>[] | null;
}

function autoClaimOf(reply: unknown, buffers: boolean): XAutoClaimResult<unknown> {
  const items = reply as [unknown, unknown, unknown];
  return {
    nextId: toText(items[0]),
    entries: entriesOf(items[1], buffers),
    deletedIds: items[2] === undefined || items[2] === null ? [] : toTexts(items[2]),
  };
}

/** XAUTOCLAIM, string view. */
export function toAutoClaim(reply: unknown): XAutoClaimResult<PendingStreamEntry<string>> {
  return autoClaimOf(reply, false) as XAutoClaimResult<PendingStreamEntry<string>>;
}

/** XAUTOCLAIM, Buffer view. */
export function toBufferAutoClaim(reply: unknown): XAutoClaimResult<PendingStreamEntry<Buffer>> {
  return autoClaimOf(reply, true) as XAutoClaimResult<PendingStreamEntry<Buffer>>;
}

/** XAUTOCLAIM ... JUSTID: the claimed IDs instead of entries. */
export function toAutoClaimIds(reply: unknown): XAutoClaimResult<string> {
  const items = reply as [unknown, unknown, unknown];
  return {
    nextId: toText(items[0]),
    entries: toTexts(items[1]),
    deletedIds: items[2] === undefined || items[2] === null ? [] : toTexts(items[2]),
  };
}

/** XPENDING summary: `[count, min, max, [[consumer, count], ...]]`. */
export function toPendingSummary(reply: unknown): XPendingSummary<unknown> {
  const items = reply as [unknown, unknown, unknown, unknown[][] | null];
  const consumers: { name: unknown; pending: number }[] = [];
  if (items[3] instanceof Map) {
    for (const [name, pending] of items[3] as Map<unknown, unknown>)
      consumers.push({ name, pending: toInteger(pending) });
  } else if (Array.isArray(items[3])) {
    for (const pair of items[3]) consumers.push({ name: pair[0], pending: toInteger(pair[1]) });
  }
  return {
    count: toInteger(items[0]),
    minId: toTextOrNull(items[1]),
    maxId: toTextOrNull(items[2]),
    consumers,
  };
}

/** XPENDING with a range: `[[id, consumer, idle, deliveries], ...]`. */
export function toPendingEntries(reply: unknown): XPendingEntry<unknown>[] {
  const items = reply as unknown[][];
  const out = new Array<XPendingEntry<unknown>>(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as unknown[];
    out[i] = {
      id: toText(item[0]),
      consumer: item[1],
      idleMs: toInteger(item[2]),
      deliveries: toInteger(item[3]),
    };
  }
  return out;
}

/** One XINFO object (flat array or map) with text keys; stream entries decoded. */
function infoOf(reply: unknown): XInfoRecord {
  const record = toRecord(reply);
  const first = record['first-entry'];
  if (Array.isArray(first)) record['first-entry'] = entriesOf([first], false)[0];
  const last = record['last-entry'];
  if (Array.isArray(last)) record['last-entry'] = entriesOf([last], false)[0];
  return record;
}

/** XINFO STREAM. */
export function toStreamInfo(reply: unknown): XInfoStream {
  return infoOf(reply) as XInfoStream;
}

/** XINFO GROUPS / XINFO CONSUMERS. */
export function toInfoList(reply: unknown): XInfoRecord[] {
  const items = reply as unknown[];
  const out = new Array<XInfoRecord>(items.length);
  for (let i = 0; i < items.length; i++) out[i] = infoOf(items[i]);
  return out;
}
