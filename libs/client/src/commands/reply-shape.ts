/**
 * Replies whose JavaScript value depends on the protocol unless converted: a RESP3 map is a `Map` and RESP2 sends
 * the same pairs as a flat array; a RESP3 double is a number and RESP2 sends text. The generated methods describe
 * such replies with a `ReplyShape` (written by tools/command-gen from the reply schema) and convert them here, so
 * that both protocols give the same value. Parts the shape does not mention are kept as decoded.
 */
import { toDouble, toRecord } from './replies.js';

/** How to convert a reply (0: keep as decoded). */
export type ReplyShape =
  /** A double: a number in both protocols (`inf` as `Infinity`). */
  | 'double'
  /** A RESP3 boolean or a RESP2 integer 1/0, as a boolean. */
  | 'boolean'
  /** Each element of an array. */
  | { readonly list: ReplyShape }
  /** The elements of a fixed-length array, and those past them. */
  | { readonly tuple: readonly (ReplyShape | 0)[]; readonly rest?: ReplyShape }
  /** A map (RESP3) or flat array of pairs (RESP2) as an object with text keys; each value converted by name. */
  | { readonly record: Readonly<Record<string, ReplyShape | 0>>; readonly rest?: ReplyShape | 0 }
  /** A part that holds more of itself (COMMAND DOCS' subcommands and nested arguments), where `'recurse'` is it. */
  | { readonly recursive: ReplyShape }
  /** The nearest enclosing `recursive` part, again. */
  | 'recurse';

/** Converts `reply` as `shape` says; null stays null at any depth. `again` is what `'recurse'` stands for. */
export function reshape(shape: ReplyShape | 0, reply: unknown, again?: ReplyShape): unknown {
  if (shape === 0 || reply === null || reply === undefined) return reply;
  if (shape === 'double') return toDouble(reply);
  if (shape === 'boolean') return reply === true || reply === 1;
  if (shape === 'recurse') return again === undefined ? reply : reshape(again, reply, again);
  if ('recursive' in shape) return reshape(shape.recursive, reply, shape);
  if ('list' in shape) {
    const items = reply as unknown[];
    const out = new Array<unknown>(items.length);
    for (let i = 0; i < items.length; i++) out[i] = reshape(shape.list, items[i], again);
    return out;
  }
  if ('tuple' in shape) {
    const items = reply as unknown[];
    const out = new Array<unknown>(items.length);
    for (let i = 0; i < items.length; i++) {
      out[i] = reshape(
        i < shape.tuple.length ? (shape.tuple[i] as ReplyShape | 0) : (shape.rest ?? 0),
        items[i],
        again,
      );
    }
    return out;
  }
  const record = toRecord(reply);
  for (const key in record) {
    const inner = Object.hasOwn(shape.record, key) ? shape.record[key] : shape.rest;
    if (inner !== undefined && inner !== 0) record[key] = reshape(inner, record[key], again);
  }
  return record;
}

/** A transform for `Command#transform` that converts as `shape` says (made once per method, not per call). */
export function shapedBy<T>(shape: ReplyShape): (reply: unknown) => T {
  return (reply) => reshape(shape, reply) as T;
}
