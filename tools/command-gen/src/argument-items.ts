// How the argument planner reads a spec's arguments: names, types, counted lists (`numkeys key...`), and which
// blocks and one-ofs it flattens into the enclosing object.
import { camel } from './emit.js';
import type { RawArgument } from './spec.js';

/** Words a parameter may not be named (TypeScript's, and the generated code's own `args` and `options`). */
const RESERVED = new Set(
  [
    'args',
    'options',
    'function',
    'default',
    'delete',
    'in',
    'new',
    'class',
    'with',
    'var',
    'let',
    'const',
  ].concat(['return', 'if', 'else', 'for', 'while', 'switch', 'case', 'this', 'typeof']),
);

/** A spec name as a parameter or field name: `min-idle-time` → `minIdleTime`. */
export function identifierOf(name: string): string {
  const id = camel(name);
  if (id === 'args') return 'argList';
  return RESERVED.has(id) ? `${id}Value` : id;
}

/** A name for a list: `key` → `keys`. */
export function plural(name: string): string {
  if (/s$|data$/.test(name)) return name;
  if (/y$/.test(name) && !/[aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
  return `${name}s`;
}

export const isSimple = (arg: RawArgument): boolean => !['oneof', 'block', 'pure-token'].includes(arg.type);

export function simpleType(arg: RawArgument): string {
  switch (arg.type) {
    case 'key':
      return 'RedisKey';
    case 'integer':
    case 'double':
    case 'unix-time':
      return 'number';
    default:
      return 'RedisArg';
  }
}

/** `numkeys key [key ...]`: an integer named num... followed by the repeated argument it counts. */
function countsNext(args: readonly RawArgument[], i: number): boolean {
  const arg = args[i];
  const next = args[i + 1];
  return (
    arg !== undefined &&
    next !== undefined &&
    arg.type === 'integer' &&
    /^num/.test(arg.name) &&
    !arg.optional &&
    !arg.token &&
    next.multiple === true &&
    !next.optional &&
    !next.multiple_token
  );
}

/** One argument as the code sees it: the spec argument, or a counted list (`numkeys key...`). */
export interface Item {
  readonly arg: RawArgument;
  readonly counted: boolean;
}

export function itemsOf(args: readonly RawArgument[]): Item[] {
  const out: Item[] = [];
  for (let i = 0; i < args.length; i++) {
    if (countsNext(args, i)) {
      out.push({ arg: args[i + 1]!, counted: true });
      i++;
    } else out.push({ arg: args[i]!, counted: false });
  }
  return out;
}

/** `field value [field value ...]` (HMSET): an object or a Map, as HSET takes them. */
export function isFieldValuePairs(arg: RawArgument): boolean {
  const inner = arg.arguments ?? [];
  return (
    arg.type === 'block' &&
    arg.multiple === true &&
    inner.length === 2 &&
    inner[0]!.name === 'field' &&
    inner[1]!.name === 'value' &&
    inner.every((a) => isSimple(a) && !a.optional && !a.multiple && !a.token)
  );
}

export function wrap(type: string): string {
  return /[|&]/.test(type) ? `(${type})` : type;
}

/** An untokened optional one-of whose alternatives carry values: one field per alternative. */
export function flattensOneOf(arg: RawArgument): boolean {
  return (
    arg.type === 'oneof' &&
    !arg.token &&
    !arg.multiple &&
    arg.optional === true &&
    (arg.arguments ?? []).some((a) => a.type !== 'pure-token') &&
    (arg.arguments ?? []).every((a) => a.token !== undefined)
  );
}

/**
 * An untokened block of several arguments (GEOSEARCH's `[COUNT count [ANY]]`, BITPOS's `[end [BYTE|BIT]]`): its
 * arguments become fields of the enclosing object, the first one deciding whether the rest is sent.
 */
export function flattensBlock(arg: RawArgument): boolean {
  return arg.type === 'block' && !arg.token && !arg.multiple && singleItemOf(arg) === undefined;
}

/** A block that holds one item (`FIELDS numfields field...`): its value is that item's. */
export function singleItemOf(arg: RawArgument): Item | undefined {
  if (arg.type !== 'block' || arg.multiple) return undefined;
  const items = itemsOf(arg.arguments ?? []);
  return items.length === 1 && !items[0]!.arg.optional ? items[0] : undefined;
}

export function docOf(arg: RawArgument): string | undefined {
  if (arg.type === 'pure-token') return `Sends ${arg.token}.`;
  if (arg.token) return `Sent as ${arg.token} <${arg.display ?? arg.name}>.`;
  return undefined;
}

/** May `arg` be a positional parameter at the end (untokened, not a bare token)? */
export function positionalTail(arg: RawArgument): boolean {
  return !arg.token && arg.type !== 'pure-token' && (arg.type !== 'oneof' || !flattensOneOf(arg));
}
