import { createHash } from 'node:crypto';
import type { KeyslotModuleOptions } from './keyslot-module-options.js';

/** One leaf of the options: what is compared, and what may be printed. */
interface Leaf {
  compare: string;
  show: string;
}

/**
 * The options of one registration flattened to `path → leaf`, keys sorted, so two registrations compare by value
 * whatever order their keys were written in. Secrets (passwords, TLS keys, URL passwords) are compared by hash
 * and printed as `***`.
 */
export type OptionsFingerprint = ReadonlyMap<string, Leaf>;

const SECRET_KEY = /password|passphrase|secret|token|^key$|^pfx$/i;

// Objects that are neither plain data nor buffers (sockets, key objects...) compare by identity.
const identities = new WeakMap<object, number>();
let lastIdentity = 0;

/** Flattens the options (with the module's defaults applied) into a comparable, printable form. */
export function fingerprintOptions(options: KeyslotModuleOptions): OptionsFingerprint {
  const leaves = new Map<string, Leaf>();
  flatten({ ...options, connectOnStart: options.connectOnStart ?? true }, '', false, leaves);
  return leaves;
}

/** The paths where two fingerprints differ, with both sides as printable text; empty when they are equal. */
export function differences(first: OptionsFingerprint, second: OptionsFingerprint): string[] {
  const paths = [...new Set([...first.keys(), ...second.keys()])].sort();
  return paths
    .filter((path) => first.get(path)?.compare !== second.get(path)?.compare)
    .map(
      (path) =>
        `${path}: ${first.get(path)?.show ?? '(not set)'} vs ${second.get(path)?.show ?? '(not set)'}`,
    );
}

function flatten(value: unknown, path: string, secret: boolean, into: Map<string, Leaf>): void {
  if (value === undefined) return;
  if (
    value === null ||
    typeof value === 'boolean' ||
    typeof value === 'number' ||
    typeof value === 'bigint'
  ) {
    into.set(path, secret ? hidden(String(value)) : { compare: String(value), show: String(value) });
    return;
  }
  if (typeof value === 'string') {
    into.set(path, secret ? hidden(value) : text(value));
    return;
  }
  if (typeof value === 'function') {
    // The same code compares equal, so a factory that builds a fresh `natMap` closure per call is not a conflict.
    into.set(path, {
      compare: `function:${digest(value.toString())}`,
      show: `[function ${value.name || 'anonymous'}]`,
    });
    return;
  }
  if (value instanceof Uint8Array) {
    into.set(path, {
      compare: `bytes:${digest(value)}`,
      show: secret ? '***' : `[${value.byteLength} bytes]`,
    });
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) into.set(path, { compare: '[]', show: '[]' });
    value.forEach((item, index) => {
      flatten(item, `${path}[${index}]`, secret, into);
    });
    return;
  }
  if (typeof value === 'object' && isPlain(value)) {
    // An empty object adds no leaf: `clientOptions: {}` means the same as no clientOptions.
    for (const key of Object.keys(value).sort()) {
      const child = path === '' ? key : `${path}.${key}`;
      flatten((value as Record<string, unknown>)[key], child, secret || SECRET_KEY.test(key), into);
    }
    return;
  }
  into.set(path, { compare: `object:${identityOf(value as object)}`, show: `[${constructorName(value)}]` });
}

function hidden(value: string): Leaf {
  return { compare: `secret:${digest(value)}`, show: '***' };
}

// A redis:// URL may carry a password: compare it whole (by hash), print it without the password.
function text(value: string): Leaf {
  const match = /^(rediss?:\/\/[^:@/]*:)([^@/]*)(@.*)$/.exec(value);
  if (!match) return { compare: JSON.stringify(value), show: JSON.stringify(value) };
  return { compare: `url:${digest(value)}`, show: JSON.stringify(`${match[1]}***${match[3]}`) };
}

function digest(value: string | Uint8Array): string {
  return createHash('sha256').update(value).digest('hex');
}

function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function identityOf(value: object): number {
  let id = identities.get(value);
  if (id === undefined) {
    id = ++lastIdentity;
    identities.set(value, id);
  }
  return id;
}

function constructorName(value: unknown): string {
  return (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
}
