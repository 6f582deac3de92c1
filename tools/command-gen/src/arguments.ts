// From a command's spec arguments to a method's parameters and the code that builds the argument list.
//
// The shape follows the hand-written families: required arguments are positional parameters, in order; optional
// ones go into one options object (`options?: XOptions`), except a trailing run of optional untokened arguments
// when there is nothing else optional (`aclCat(category?)`, `geohash(key, ...members)`). Inside values:
// - a pure token is a boolean (`ch?: boolean` sends CH);
// - a one-of of pure tokens is their union (`condition?: 'NX' | 'XX'`);
// - a block is an object of its arguments (`limit?: { offset: number; count: number }`);
// - a one-of of valued alternatives is one field per alternative when untokened (as SetOptions' ex/px/exat), or a
//   union of objects when the one-of has a token of its own (`filterby?: { pattern } | { category }`);
// - `numkeys key [key ...]` is one list (`keys: RedisKey | readonly RedisKey[]`), its count sent for you;
// - repeated arguments are a value or a list; the last required one, with nothing optional, is a rest parameter
//   (`pfcount(...keys)`).
import {
  docOf,
  flattensBlock,
  flattensOneOf,
  type Item,
  identifierOf,
  isFieldValuePairs,
  isSimple,
  itemsOf,
  plural,
  positionalTail,
  simpleType,
  singleItemOf,
  wrap,
} from './argument-items.js';
import { pascal, propertyName, quote } from './emit.js';
import type { RawArgument } from './spec.js';

/** A positional parameter of the method. */
export interface Param {
  readonly name: string;
  readonly type: string;
  readonly optional: boolean;
  /** A rest parameter: `...name: Variadic<T>`. */
  readonly rest: boolean;
}

/** A named type the method needs (an options object, a block's object). */
export interface NamedType {
  readonly name: string;
  readonly fields: readonly Field[];
}

export interface Field {
  readonly name: string;
  readonly type: string;
  readonly optional: boolean;
  readonly doc: string | undefined;
}

/** What a method does with its arguments. */
export interface ArgumentPlan {
  readonly params: readonly Param[];
  /** Types to declare beside the class: the options interface, blocks' objects. */
  readonly types: readonly NamedType[];
  /** Statements that build `args`, or undefined when `argsExpression` is enough. */
  readonly statements: readonly string[] | undefined;
  /** `args`, or an array literal when every argument is a plain parameter. */
  readonly argsExpression: string;
}

class Planner {
  readonly types: NamedType[] = [];

  constructor(private readonly typePrefix: string) {}

  /** The TS type of an item's value (when given). */
  typeOf(item: Item, path: string): string {
    const { arg } = item;
    if (item.counted || (arg.multiple && isSimple(arg))) {
      const element = this.typeOf(
        { arg: { ...arg, multiple: false, multiple_token: false }, counted: false },
        path,
      );
      return arg.multiple_token ? `readonly ${wrap(element)}[]` : `${element} | readonly ${wrap(element)}[]`;
    }
    if (isFieldValuePairs(arg)) return 'FieldsInput';
    if (arg.multiple) {
      const element = this.typeOf({ arg: { ...arg, multiple: false }, counted: false }, path);
      return `${element} | readonly ${wrap(element)}[]`;
    }
    switch (arg.type) {
      case 'pure-token':
        return 'boolean';
      case 'oneof':
        return this.oneOfType(arg, path);
      case 'block': {
        const only = singleItemOf(arg);
        return only ? this.typeOf(only, path) : this.blockType(arg, path);
      }
      default:
        return simpleType(arg);
    }
  }

  private oneOfType(arg: RawArgument, path: string): string {
    const alternatives = arg.arguments ?? [];
    if (alternatives.every((a) => a.type === 'pure-token'))
      return alternatives.map((a) => quote(a.token!)).join(' | ');
    const simple = alternatives.filter((a) => isSimple(a) && !a.token && !a.multiple);
    if (simple.length === 1 && alternatives.every((a) => a === simple[0] || a.type === 'pure-token')) {
      // `<id | $>`: the pure tokens are strings the simple value can be.
      const base = simpleType(simple[0]!);
      if (base !== 'number') return base;
      const tokens = alternatives.filter((a) => a.type === 'pure-token').map((a) => quote(a.token!));
      return [base, ...tokens].join(' | ');
    }
    return alternatives.map((a) => this.alternativeType(a, path)).join(' | ');
  }

  /** One alternative of a valued one-of, as an object with a field only it has. */
  private alternativeType(alt: RawArgument, path: string): string {
    if (alt.type === 'block' && !alt.multiple && !singleItemOf(alt)) return this.blockType(alt, path);
    const value = alt.type === 'pure-token' ? 'true' : this.typeOf({ arg: alt, counted: false }, path);
    return `{ ${propertyName(identifierOf(alt.name))}: ${value} }`;
  }

  private blockType(arg: RawArgument, path: string): string {
    const inner = `${path} ${arg.name.replace(/-block$/, '')}`.trim();
    const name = this.typePrefix + pascal(inner);
    if (!this.types.some((t) => t.name === name)) {
      this.types.push({ name, fields: this.fieldsOf(arg.arguments ?? [], inner) });
    }
    return name;
  }

  /** The fields of an object holding these arguments (options, a block), flattening as the header says. */
  fieldsOf(args: readonly RawArgument[], path: string): Field[] {
    const fields: Field[] = [];
    const add = (field: Field) => {
      if (fields.some((f) => f.name === field.name)) {
        throw new Error(`${path}: two fields named ${field.name}; name them in overrides.ts`);
      }
      fields.push(field);
    };
    for (const item of itemsOf(args)) {
      const { arg } = item;
      if (flattensOneOf(arg)) {
        for (const alt of arg.arguments!) {
          add({
            name: identifierOf(alt.name),
            type: this.typeOf({ arg: alt, counted: false }, path),
            optional: true,
            doc: docOf(alt),
          });
        }
      } else if (flattensBlock(arg)) {
        // Optional as a whole: every field may be left out (the first decides whether any is sent).
        for (const field of this.fieldsOf(arg.arguments!, path))
          add(arg.optional ? { ...field, optional: true } : field);
      } else {
        const name = identifierOf(item.counted || arg.multiple ? plural(arg.name) : arg.name);
        add({
          name,
          type: this.typeOf(item, path),
          optional: arg.optional === true,
          doc: docOf(arg),
        });
      }
    }
    return fields;
  }

  /** Statements pushing an item whose value is `value` (known to be given). */
  push(item: Item, value: string, indent: string): string[] {
    const { arg } = item;
    const out: string[] = [];
    const token = arg.token ? `${quote(arg.token)}, ` : '';
    if (item.counted) {
      if (arg.token) out.push(`${indent}args.push(${quote(arg.token)});`);
      out.push(`${indent}pushNumKeys(args, ${value});`);
      return out;
    }
    if (isFieldValuePairs(arg)) {
      if (arg.token) out.push(`${indent}args.push(${quote(arg.token)});`);
      out.push(`${indent}pushFields(args, ${value});`);
      return out;
    }
    if (arg.multiple) {
      const element = {
        arg: { ...arg, multiple: false, multiple_token: false, token: undefined },
        counted: false,
      };
      if (arg.multiple_token) {
        out.push(`${indent}for (const item of listOfOne(${value})) {`);
        out.push(`${indent}  args.push(${quote(arg.token!)});`);
        out.push(...this.push(element, 'item', `${indent}  `));
        out.push(`${indent}}`);
        return out;
      }
      if (arg.token) out.push(`${indent}args.push(${quote(arg.token)});`);
      if (isSimple(arg)) {
        out.push(`${indent}pushKeys(args, ${value});`);
        return out;
      }
      out.push(`${indent}for (const item of listOfOne(${value})) {`);
      out.push(...this.push(element, 'item', `${indent}  `));
      out.push(`${indent}}`);
      return out;
    }
    switch (arg.type) {
      case 'pure-token':
        out.push(`${indent}args.push(${quote(arg.token!)});`);
        return out;
      case 'oneof': {
        if (arg.token) out.push(`${indent}args.push(${quote(arg.token)});`);
        const alternatives = arg.arguments ?? [];
        const valued = alternatives.some(
          (a) => !(a.type === 'pure-token' || (isSimple(a) && !a.token && !a.multiple)),
        );
        if (!valued) {
          out.push(`${indent}args.push(${value});`);
          return out;
        }
        alternatives.forEach((alt, i) => {
          const field = identifierOf(alt.name);
          const test =
            i === alternatives.length - 1 ? '' : `if (${quote(this.discriminatorOf(alt))} in ${value}) `;
          out.push(`${indent}${i === 0 ? '' : '} else '}${test}{`);
          const member = `${value}.${field}`;
          if (alt.type === 'block' && !alt.multiple && !singleItemOf(alt)) {
            out.push(...this.pushBlock(alt, value, `${indent}  `));
          } else {
            out.push(...this.push({ arg: alt, counted: false }, member, `${indent}  `));
          }
        });
        out.push(`${indent}}`);
        return out;
      }
      case 'block':
        return [...out, ...this.pushBlock(arg, value, indent)];
      default:
        out.push(`${indent}args.push(${token}${value});`);
        return out;
    }
  }

  /** The field that tells a one-of's alternative apart: its own name, or a block's first field. */
  discriminatorOf(alt: RawArgument): string {
    if (alt.type === 'block' && !alt.multiple && !singleItemOf(alt)) {
      return this.fieldsOf(alt.arguments ?? [], '')[0]!.name;
    }
    return identifierOf(alt.name);
  }

  /** Statements pushing a block held in the object `value`. */
  pushBlock(arg: RawArgument, value: string, indent: string): string[] {
    const out: string[] = [];
    if (arg.token) out.push(`${indent}args.push(${quote(arg.token)});`);
    const only = singleItemOf(arg);
    out.push(
      ...(only ? this.push(only, value, indent) : this.pushFields(arg.arguments ?? [], value, indent)),
    );
    return out;
  }

  /** Statements pushing the arguments held as fields of the object `value` (as `fieldsOf` laid them out). */
  pushFields(args: readonly RawArgument[], value: string, indent: string, allOptional = false): string[] {
    const out: string[] = [];
    for (const item of itemsOf(args)) {
      const { arg } = item;
      const optional = allOptional || arg.optional === true;
      if (flattensOneOf(arg)) {
        if (arg.token) throw new Error(`${arg.name}: a flattened one-of cannot have a token`);
        for (const alt of arg.arguments!) {
          const field = `${value}.${identifierOf(alt.name)}`;
          out.push(
            ...this.guarded(alt, field, indent, (inner) =>
              this.push({ arg: alt, counted: false }, field, inner),
            ),
          );
        }
      } else if (flattensBlock(arg)) {
        const [first, ...rest] = itemsOf(arg.arguments!);
        const firstField = `${value}.${identifierOf(first!.arg.name)}`;
        const body = (inner: string) => [
          ...this.push(first!, firstField, inner),
          ...this.pushFields(
            rest.map((r) => r.arg),
            value,
            inner,
            optional,
          ),
        ];
        out.push(...(optional ? this.guarded(first!.arg, firstField, indent, body) : body(indent)));
      } else {
        const name = identifierOf(item.counted || arg.multiple ? plural(arg.name) : arg.name);
        const field = `${value}.${name}`;
        const body = (inner: string) => this.push(item, field, inner);
        out.push(...(optional ? this.guarded(arg, field, indent, body) : body(indent)));
      }
    }
    return out;
  }

  /** `if (value given) { ... }`: a pure token when true, anything else when not undefined. */
  guarded(arg: RawArgument, value: string, indent: string, body: (indent: string) => string[]): string[] {
    const test = arg.type === 'pure-token' ? value : `${value} !== undefined`;
    const inner = body(`${indent}  `);
    if (inner.length === 1) return [`${indent}if (${test}) ${inner[0]!.trim()}`];
    return [`${indent}if (${test}) {`, ...inner, `${indent}}`];
  }
}

/**
 * Plans a method over `args` (the spec's arguments after the command and subcommand names); `prefix` are the
 * words sent first (`['ENCODING']` for OBJECT ENCODING); `typePrefix` names the method's types (`Geoadd`).
 */
export function planArguments(
  args: readonly RawArgument[],
  prefix: readonly string[],
  typePrefix: string,
): ArgumentPlan {
  const planner = new Planner(typePrefix);
  const items = itemsOf(args);
  const optional = items.filter((item) => item.arg.optional);
  const firstOptional = items.findIndex((item) => item.arg.optional);
  // A trailing run of untokened optional arguments, when nothing else is optional, stays positional.
  const tail =
    optional.length > 0 &&
    items.slice(firstOptional).every((item) => item.arg.optional && positionalTail(item.arg)) &&
    // Nested optional blocks without tokens (BITPOS's [start [end [BYTE|BIT]]]) read better as one object.
    optional.every((item) => item.arg.type !== 'block' || optional.length === 1);
  const hasOptions = optional.length > 0 && !tail;
  const params: Param[] = [];
  const used = new Set<string>();
  const paramName = (arg: RawArgument, list: boolean) => {
    let name = identifierOf(list ? plural(arg.name) : arg.name);
    while (used.has(name)) name = `${name}2`;
    used.add(name);
    return name;
  };
  const names = new Map<Item, string>();
  for (const item of items) {
    const { arg } = item;
    if (arg.optional && !tail) continue;
    if (arg.type === 'pure-token' && !arg.optional) continue;
    const list = item.counted || arg.multiple === true;
    const name = paramName(arg, list);
    names.set(item, name);
    const last = item === items[items.length - 1];
    const rest = last && list && !item.counted && !arg.multiple_token && isSimple(arg) && !hasOptions;
    let type = planner.typeOf(item, '');
    if (rest) type = `Variadic<${simpleType(arg)}>`;
    params.push({ name, type, optional: arg.optional === true && !rest, rest });
  }
  let optionsType: NamedType | undefined;
  if (hasOptions) {
    optionsType = {
      name: `${typePrefix}Options`,
      fields: planner.fieldsOf(
        optional.flatMap((item) =>
          item.counted ? [{ name: 'num', type: 'integer' } as RawArgument, item.arg] : [item.arg],
        ),
        '',
      ),
    };
    planner.types.unshift(optionsType);
    params.push({ name: 'options', type: optionsType.name, optional: true, rest: false });
  }
  // The code, in spec order.
  const statements: string[] = [];
  const plain: string[] = prefix.map(quote);
  let simple = true;
  for (const item of items) {
    const { arg } = item;
    const name = names.get(item);
    if (arg.optional && !tail) {
      simple = false;
      const lines = planner.pushFields(
        item.counted ? [{ name: 'num', type: 'integer' } as RawArgument, arg] : [arg],
        'options',
        '    ',
      );
      // The guard reads `options?.x`, which narrows `options` for the lines it guards.
      statements.push(
        ...lines.map((line) => (/^ {4}if \(/.test(line) ? line.replace(/\boptions\./, 'options?.') : line)),
      );
      continue;
    }
    if (arg.type === 'pure-token') {
      if (arg.optional) {
        simple = false;
        statements.push(`    if (${name}) args.push(${quote(arg.token!)});`);
      } else {
        plain.push(quote(arg.token!));
        statements.push(`    args.push(${quote(arg.token!)});`);
      }
      continue;
    }
    const param = params.find((p) => p.name === name)!;
    if (param.rest) {
      simple = false;
      statements.push(`    pushKeys(args, listOf(${name}));`);
      continue;
    }
    const pushes = planner.push(item, name!, '    ');
    if (arg.optional) {
      simple = false;
      statements.push(...planner.guarded(arg, name!, '    ', (indent) => planner.push(item, name!, indent)));
      continue;
    }
    const direct = pushes.length === 1 && /^ {4}args\.push\((.*)\);$/.exec(pushes[0]!);
    if (direct && !arg.multiple && !item.counted && arg.type !== 'oneof' && arg.type !== 'block') {
      plain.push(direct[1]!);
    } else simple = false;
    statements.push(...pushes);
  }
  if (simple) {
    return {
      params,
      types: planner.types,
      statements: undefined,
      argsExpression: `[${plain.join(', ')}]`,
    };
  }
  return {
    params,
    types: planner.types,
    statements: foldPushes([
      `    const args: RedisArg[] = [${prefix.map(quote).join(', ')}];`,
      ...statements,
    ]),
    argsExpression: 'args',
  };
}

const PUSH = /^( *)args\.push\((.*)\);$/;

/** `const args = [a]; args.push(b); args.push(c);` → `const args = [a, b, c];`; pushes in a row become one. */
function foldPushes(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const push = PUSH.exec(line);
    const previous = out[out.length - 1];
    if (push && previous !== undefined) {
      const init = /^( {4}const args: RedisArg\[\] = \[)(.*)(\];)$/.exec(previous);
      if (init && push[1] === '    ') {
        out[out.length - 1] = `${init[1]}${init[2] ? `${init[2]}, ` : ''}${push[2]}${init[3]}`;
        continue;
      }
      const before = PUSH.exec(previous);
      if (before && before[1] === push[1]) {
        out[out.length - 1] = `${push[1]}args.push(${before[2]}, ${push[2]});`;
        continue;
      }
    }
    out.push(line);
  }
  return out;
}
