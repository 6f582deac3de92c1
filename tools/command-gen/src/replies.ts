// From a reply schema to the method's TypeScript reply type and the conversion that makes RESP2 and RESP3 give
// the same JavaScript value (a map is an object in both, a double a number in both).
import { literal, propertyName } from './emit.js';
import type { ReplySchema } from './spec.js';

/**
 * How a reply is converted (the client's `ReplyShape`, see libs/client/src/commands/reply-shape.ts): undefined
 * where the decoded value is already right.
 */
export type Shape =
  | 'double'
  | 'boolean'
  | { list: Shape }
  | { tuple: (Shape | 0)[]; rest?: Shape }
  | { record: Record<string, Shape | 0>; rest?: Shape | 0 }
  | { recursive: Shape }
  | 'recurse';

export interface ReplyPlan {
  /** The reply's TypeScript type; `S` stands for bulk strings (string, or Buffer on the Buffer view). */
  readonly type: string;
  readonly shape: Shape | undefined;
}

/** How the reply of one command is mapped. */
export interface ReplyContext {
  /** Bulk strings follow the view (`S`); otherwise they are text (`string`) in both views. */
  readonly data: boolean;
  /** Properties of objects that the server may leave out, by dotted path (`library_code`, `nodes.hostname`). */
  readonly optional: ReadonlySet<string>;
  /** Where in the reply this is, for errors and optional properties. */
  readonly path: string;
  readonly command: string;
  /**
   * Parts that hold more of an enclosing part where the schema only says "array" (COMMAND INFO's subcommands):
   * path → that part's path ('' for the whole reply). `$ref: '#'` is read as a repeat of the whole reply.
   */
  readonly repeats?: Readonly<Record<string, string>>;
  /** The reply's type name, which repeated parts are named after. */
  readonly typeName?: string;
  /** Where the named types of repeated parts other than the whole reply go (`export type ...;`). */
  readonly types?: string[];
  /** The repeated parts being planned, innermost last. */
  readonly within?: readonly string[];
}

/** The members of a union type at its top level: `A | { b: C | D }` → `A`, `{ b: C | D }`. */
function membersOf(type: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < type.length; i++) {
    const c = type[i]!;
    if ('({[<'.includes(c)) depth++;
    else if (')}]>'.includes(c)) depth--;
    else if (depth === 0 && type.startsWith(' | ', i)) {
      out.push(type.slice(start, i));
      start = i + 3;
    }
  }
  out.push(type.slice(start));
  return out;
}

function union(types: string[]): string {
  const unique = [...new Set(types.flatMap(membersOf))];
  // A general number swallows integer literals (`-2 | -1 | number` is `number`).
  const general = unique.includes('number') ? unique.filter((t) => !/^-?\d+$/.test(t)) : unique;
  return general.join(' | ');
}

function wrap(type: string): string {
  return /[|&]/.test(type) ? `(${type})` : type;
}

function sameShape(a: Shape | 0 | undefined, b: Shape | 0 | undefined): boolean {
  return JSON.stringify(a ?? 0) === JSON.stringify(b ?? 0);
}

/**
 * One conversion for the branches of a union: the same, or objects whose fields do not conflict (COMMAND INFO's
 * key specs are objects of different fields per kind). False when the branches cannot share one conversion.
 */
function mergeShapes(a: Shape | undefined, b: Shape | undefined, first: boolean): Shape | undefined | false {
  if (first || sameShape(a, b)) return first ? b : a;
  if (a !== undefined && b !== undefined && typeof a === 'object' && typeof b === 'object') {
    if ('record' in a && 'record' in b) {
      const record: Record<string, Shape | 0> = { ...a.record };
      for (const [name, inner] of Object.entries(b.record)) {
        if (name in record && !sameShape(record[name], inner)) {
          const merged = mergeShapes(record[name] || undefined, inner || undefined, false);
          if (merged === false) return false;
          record[name] = merged ?? 0;
        } else record[name] = inner;
      }
      if (!sameShape(a.rest, b.rest) && a.rest !== undefined && b.rest !== undefined) return false;
      const rest = a.rest ?? b.rest;
      return rest === undefined ? { record } : { record, rest };
    }
    if ('list' in a && 'list' in b) {
      const list = mergeShapes(a.list, b.list, false);
      return list === false ? false : list === undefined ? undefined : { list };
    }
  }
  return false;
}

function at(context: ReplyContext, part: string): ReplyContext {
  return { ...context, path: context.path ? `${context.path}.${part}` : part };
}

function repeatedPartName(path: string, context: ReplyContext): string {
  if (context.typeName === undefined)
    throw new Error(`${context.command}: a repeated part needs the reply's name`);
  if (path === '') return context.typeName;
  const last = path.slice(path.lastIndexOf('.') + 1);
  return context.typeName + last.replace(/(^|[-_])(\w)/g, (_, _sep: string, c: string) => c.toUpperCase());
}

function isRepeated(schema: ReplySchema, context: ReplyContext): boolean {
  if (context.within?.includes(context.path)) return false;
  if (context.path === '' && context.within === undefined && JSON.stringify(schema).includes('"$ref":"#"'))
    return true;
  return Object.values(context.repeats ?? {}).includes(context.path);
}

/** A part that holds more of itself: its type is named, and its conversion is `recursive`. */
function planRepeated(schema: ReplySchema, context: ReplyContext): ReplyPlan {
  if (context.data) throw new Error(`${context.command}: a repeated part with keys' values is not supported`);
  const inner = planReply(schema, { ...context, within: [...(context.within ?? []), context.path] });
  const shape: Shape | undefined = inner.shape === undefined ? undefined : { recursive: inner.shape };
  if (context.path === '') return { type: inner.type, shape };
  const name = repeatedPartName(context.path, context);
  if (context.types === undefined) throw new Error(`${context.command}: nowhere to declare ${name}`);
  context.types.push(`export type ${name} = ${inner.type};`);
  return { type: name, shape };
}

/** A part that is an enclosing part again: that part's type, converted by `'recurse'`. */
function planRepeat(target: string, context: ReplyContext): ReplyPlan {
  if (context.within?.at(-1) !== target) {
    throw new Error(
      `${context.command}: '${context.path}' repeats '${target}', which is not the nearest repeated part`,
    );
  }
  return { type: repeatedPartName(target, context), shape: 'recurse' };
}

/** The type and conversion of a schema. */
export function planReply(schema: ReplySchema | undefined, context: ReplyContext): ReplyPlan {
  const target = schema?.$ref === '#' ? '' : context.repeats?.[context.path];
  if (target !== undefined) return planRepeat(target, context);
  if (schema === undefined) return { type: 'unknown', shape: undefined };
  if (isRepeated(schema, context)) return planRepeated(schema, context);
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) {
    const plans = branches.map((branch) => planReply(branch, context));
    let shape: Shape | undefined;
    let first = true;
    for (const plan of plans) {
      if (plan.type === 'null') continue;
      const merged = mergeShapes(shape, plan.shape, first);
      first = false;
      if (merged === false) {
        throw new Error(
          `${context.command}: the reply at '${context.path}' converts differently per branch; shape it in overrides.ts`,
        );
      }
      shape = merged;
    }
    return { type: union(plans.map((p) => p.type)), shape };
  }
  if (schema.const !== undefined) return { type: literal(schema.const), shape: undefined };
  if (schema.enum !== undefined)
    return { type: schema.enum.map((v) => literal(v)).join(' | '), shape: undefined };
  switch (schema.type) {
    case 'null':
      return { type: 'null', shape: undefined };
    case 'string':
      return { type: context.data ? 'S' : 'string', shape: undefined };
    case 'integer':
      return { type: 'number', shape: undefined };
    case 'number':
      return { type: 'number', shape: 'double' };
    case 'boolean':
      return { type: 'boolean', shape: 'boolean' };
    case 'array':
      return planArray(schema, context);
    case 'object':
      return planObject(schema, context);
    default:
      return { type: 'unknown', shape: undefined };
  }
}

function planArray(schema: ReplySchema, context: ReplyContext): ReplyPlan {
  const items = schema.items;
  if (Array.isArray(items)) {
    const plans = (items as readonly ReplySchema[]).map((item, i) => planReply(item, at(context, String(i))));
    const extra =
      typeof schema.additionalItems === 'object'
        ? planReply(schema.additionalItems, at(context, 'n'))
        : undefined;
    const minItems = schema.minItems ?? plans.length;
    const types = plans.map((p, i) => (i < minItems ? p.type : `${wrap(p.type)}?`));
    if (extra) types.push(`...${wrap(extra.type)}[]`);
    const type = `[${types.join(', ')}]`;
    const needs = plans.some((p) => p.shape !== undefined) || extra?.shape !== undefined;
    const shape: Shape | undefined = needs
      ? { tuple: plans.map((p) => p.shape ?? 0), ...(extra?.shape ? { rest: extra.shape } : {}) }
      : undefined;
    return { type, shape };
  }
  const element =
    items === undefined ? { type: 'unknown', shape: undefined } : planReply(items as ReplySchema, context);
  return { type: `${wrap(element.type)}[]`, shape: element.shape ? { list: element.shape } : undefined };
}

function planObject(schema: ReplySchema, context: ReplyContext): ReplyPlan {
  const fields: string[] = [];
  const fieldTypes: string[] = [];
  const record: Record<string, Shape | 0> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const inner = at(context, name);
    const plan = planReply(property, inner);
    const optional = context.optional.has(inner.path) ? '?' : '';
    fields.push(`${propertyName(name)}${optional}: ${plan.type}`);
    fieldTypes.push(optional ? `${plan.type} | undefined` : plan.type);
    record[name] = plan.shape ?? 0;
  }
  const others = [
    ...Object.values(schema.patternProperties ?? {}),
    ...(typeof schema.additionalProperties === 'object' ? [schema.additionalProperties] : []),
  ].map((property) => planReply(property, at(context, '*')));
  let rest: Shape | 0 | undefined;
  if (others.length > 0) {
    const type = union(others.map((p) => p.type));
    rest = others[0]!.shape ?? 0;
    if (fields.length === 0) return { type: `Record<string, ${type}>`, shape: { record: {}, rest } };
    // An index signature must admit the named fields too.
    fields.push(`[field: string]: ${union([...fieldTypes, ...others.map((p) => p.type)])}`);
  }
  if (fields.length === 0) {
    // An object the schema says nothing about (COMMAND DOCS' reply_schema): anything may be in it.
    const type = schema.additionalProperties === false ? 'Record<string, never>' : 'Record<string, unknown>';
    return { type, shape: { record } };
  }
  return {
    type: `{ ${fields.join('; ')} }`,
    shape: rest === undefined ? { record } : { record, rest },
  };
}

/** The shape as a TypeScript literal. */
export function shapeLiteral(shape: Shape): string {
  return literal(shape);
}
