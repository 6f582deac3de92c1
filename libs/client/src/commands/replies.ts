/**
 * Reply transforms shared by the command families. Each accepts both protocol shapes (RESP2 flat arrays and bulk
 * strings, RESP3 maps, pairs and doubles) and both views (strings, or Buffers when the command asked for them).
 * They are module-level functions so that no closure is created per call.
 */

/** Text of a string the server made up (IDs, cursors, names of info fields), whichever view it came in. */
export function toText(reply: unknown): string {
  if (typeof reply === 'string') return reply;
  if (Buffer.isBuffer(reply)) return reply.toString();
  return String(reply);
}

/** Like `toText`, keeping null. */
export function toTextOrNull(reply: unknown): string | null {
  return reply === null || reply === undefined ? null : toText(reply);
}

/** A double: a RESP3 double as is, or a RESP2 bulk string (`inf`, `-inf` included). */
export function toDouble(reply: unknown): number {
  if (typeof reply === 'number') return reply;
  const text = toText(reply);
  const value = Number(text);
  if (!Number.isNaN(value)) return value;
  switch (text.toLowerCase()) {
    case 'inf':
    case '+inf':
      return Number.POSITIVE_INFINITY;
    case '-inf':
      return Number.NEGATIVE_INFINITY;
    default:
      return value;
  }
}

/** Like `toDouble`, keeping null. */
export function toDoubleOrNull(reply: unknown): number | null {
  return reply === null || reply === undefined ? null : toDouble(reply);
}

/** Each element through `toDoubleOrNull` (ZMSCORE). */
export function toDoublesOrNull(reply: unknown): (number | null)[] {
  const items = reply as unknown[];
  const out = new Array<number | null>(items.length);
  for (let i = 0; i < items.length; i++) out[i] = toDoubleOrNull(items[i]);
  return out;
}

/** An integer reply as a number (bigint and bulk-string integers included). */
export function toInteger(reply: unknown): number {
  return typeof reply === 'number' ? reply : Number(typeof reply === 'bigint' ? reply : toText(reply));
}

/** An integer reply of 1/0 (or a RESP3 boolean) as a boolean. */
export function toBoolean(reply: unknown): boolean {
  return reply === 1 || reply === true;
}

/** Each element through `toBoolean` (SMISMEMBER, SCRIPT EXISTS). */
export function toBooleans(reply: unknown): boolean[] {
  const items = reply as unknown[];
  const out = new Array<boolean>(items.length);
  for (let i = 0; i < items.length; i++) out[i] = items[i] === 1 || items[i] === true;
  return out;
}

/** Each element through `toText` (IDs, SHA1s). */
export function toTexts(reply: unknown): string[] {
  const items = reply as unknown[];
  const out = new Array<string>(items.length);
  for (let i = 0; i < items.length; i++) out[i] = toText(items[i]);
  return out;
}

/** Sets `record[key] = value`, also for the key `__proto__` (which plain assignment would swallow). */
function setField(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    record[key] = value;
  }
}

/**
 * Field/value pairs as a null-prototype object with text keys. Accepts a RESP2 flat array `[k, v, ...]`, a RESP3
 * `Map`, or an array of pairs `[[k, v], ...]`; null gives an empty object.
 */
export function toRecord(reply: unknown): Record<string, unknown> {
  const record: Record<string, unknown> = Object.create(null);
  if (reply instanceof Map) {
    for (const [key, value] of reply) setField(record, toText(key), value);
  } else if (Array.isArray(reply) && reply.length > 0) {
    if (Array.isArray(reply[0])) {
      for (const pair of reply as unknown[][]) setField(record, toText(pair[0]), pair[1]);
    } else {
      for (let i = 0; i + 1 < reply.length; i += 2) setField(record, toText(reply[i]), reply[i + 1]);
    }
  }
  return record;
}

/**
 * Field/value pairs as a `Map` whose keys are kept exactly as decoded (Buffers in the Buffer view). Accepts the
 * same shapes as `toRecord`.
 */
export function toMap(reply: unknown): Map<unknown, unknown> {
  if (reply instanceof Map) return reply;
  const map = new Map<unknown, unknown>();
  if (Array.isArray(reply) && reply.length > 0) {
    if (Array.isArray(reply[0])) {
      for (const pair of reply as unknown[][]) map.set(pair[0], pair[1]);
    } else {
      for (let i = 0; i + 1 < reply.length; i += 2) map.set(reply[i], reply[i + 1]);
    }
  }
  return map;
}

/** Pushes the pairs of `fields` (a plain object or a Map) onto `args` as `field value ...`. */
export function pushFields(args: unknown[], fields: object): void {
  if (fields instanceof Map) {
    for (const [field, value] of fields) args.push(field, value);
  } else {
    for (const field in fields) {
      if (Object.hasOwn(fields, field)) args.push(field, (fields as Record<string, unknown>)[field]);
    }
  }
}
