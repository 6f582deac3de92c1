/**
 * A copy of a cached reply for one caller: arrays, maps, sets and Buffers are copied (a caller may change what it
 * gets), strings, numbers and null are shared as they are immutable.
 */
export function copyReply(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (Array.isArray(value)) return value.map(copyReply);
  if (value instanceof Map) {
    const copy = new Map();
    for (const [key, item] of value) copy.set(copyReply(key), copyReply(item));
    return copy;
  }
  if (value instanceof Set) {
    const copy = new Set();
    for (const item of value) copy.add(copyReply(item));
    return copy;
  }
  return value;
}

/** Per value held, beyond its content: the entry, its map slots and index links (an estimate). */
export const ENTRY_OVERHEAD_BYTES = 160;

/**
 * An estimate of the memory a reply holds: two bytes per string character (V8 may use one), a Buffer's length, and
 * a few bytes per element and number. It bounds `maxBytes` well enough without walking V8's heap.
 */
export function replyBytes(value: unknown): number {
  if (value === null || value === undefined) return 8;
  switch (typeof value) {
    case 'string':
      return 16 + value.length * 2;
    case 'number':
    case 'boolean':
      return 8;
    case 'bigint':
      return 16;
    default:
      break;
  }
  if (Buffer.isBuffer(value)) return 96 + value.length;
  if (Array.isArray(value)) {
    let total = 16;
    for (let i = 0; i < value.length; i++) total += 8 + replyBytes(value[i]);
    return total;
  }
  if (value instanceof Map) {
    let total = 64;
    for (const [key, item] of value) total += 16 + replyBytes(key) + replyBytes(item);
    return total;
  }
  if (value instanceof Set) {
    let total = 64;
    for (const item of value) total += 8 + replyBytes(item);
    return total;
  }
  return 64;
}

/** A reply from memory for one caller: a copy, through the caller's transform. */
export function settled<T>(reply: unknown, transform: ((reply: unknown) => T) | undefined): Promise<T> {
  try {
    const value = copyReply(reply);
    return Promise.resolve(transform === undefined ? (value as T) : transform(value));
  } catch (error) {
    return Promise.reject(error);
  }
}
