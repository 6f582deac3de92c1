// The typed methods of every command that has no hand-written one: one class per documentation group, each
// extending the previous, the first extending the hand-written families (`HandWrittenCommands`).
import { type ArgumentPlan, planArguments } from './arguments.js';
import { docComment, literal, pascal, propertyName, quote } from './emit.js';
import {
  DATA_REPLIES,
  OPTIONAL_PROPERTIES,
  REPEATED_PARTS,
  REPLIES,
  SUMMARIES,
  TEXT_REPLIES,
} from './overrides.js';
import { planReply, type Shape } from './replies.js';
import type { Command, CommandSet } from './spec.js';
import { commandsWithMethods, methodNameOf } from './surface.js';

interface Method {
  readonly command: Command;
  readonly name: string;
  readonly lines: string[];
  readonly declarations: string[];
}

/** Bulk strings of this command's reply follow the view when they are user data. */
function isData(command: Command): boolean {
  if (DATA_REPLIES.has(command.name)) return true;
  if (TEXT_REPLIES.has(command.name)) return false;
  return (command.spec.key_specs ?? []).some((spec) => !(spec.flags ?? []).includes('NOT_KEY'));
}

function summaryOf(command: Command): string {
  const summary = SUMMARIES[command.name] ?? command.summary;
  if (!summary)
    throw new Error(`${command.name} has no summary from a BSD-licensed spec; add one to overrides.ts`);
  const family = command.servers[0]!.family;
  const only = command.servers.length === 1 ? ` (${family === 'redis' ? 'Redis' : 'Valkey'} only.)` : '';
  return `${command.name}: ${summary}${only}`;
}

function paramList(plan: ArgumentPlan): string {
  return plan.params
    .map((p) => (p.rest ? `...${p.name}: ${p.type}` : `${p.name}${p.optional ? '?' : ''}: ${p.type}`))
    .join(', ');
}

function typeDeclarations(plan: ArgumentPlan, command: Command): string[] {
  const out: string[] = [];
  for (const type of plan.types) {
    const isOptions = type.name.endsWith('Options');
    out.push(
      ...docComment(
        isOptions ? `Options of ${command.name}.` : `Part of the arguments of ${command.name}.`,
        '',
      ),
    );
    out.push(`export interface ${type.name} {`);
    for (const field of type.fields) {
      if (field.doc) out.push(...docComment(field.doc, '  '));
      out.push(`  ${propertyName(field.name)}${field.optional ? '?' : ''}: ${field.type};`);
    }
    out.push('}', '');
  }
  return out;
}

function methodOf(command: Command): Method {
  const name = methodNameOf(command.name);
  const typePrefix = name[0]!.toUpperCase() + name.slice(1);
  const args = command.spec.arguments ?? [];
  const prefix = command.subcommand ? [command.subcommand] : [];
  const plan = planArguments(args, prefix, typePrefix);
  const declarations = typeDeclarations(plan, command);
  const override = REPLIES[command.name];
  const data = isData(command);
  let replyType: string;
  let transform: string | undefined;
  let returnBuffers: string;
  if (override) {
    replyType = override.type;
    transform = override.transform;
    returnBuffers = override.buffers ? 'true' : 'false';
  } else {
    const alias = `${typePrefix}Reply`;
    const repeatedParts: string[] = [];
    const reply = planReply(command.spec.reply_schema, {
      data,
      optional: new Set(OPTIONAL_PROPERTIES[command.name] ?? []),
      path: '',
      command: command.name,
      repeats: REPEATED_PARTS[command.name],
      typeName: alias,
      types: repeatedParts,
    });
    replyType = reply.type;
    returnBuffers = /\bS\b/.test(replyType) ? 'this.returnBuffers' : 'false';
    if (replyType.includes('{') || replyType.length > 60 || repeatedParts.length > 0) {
      const generic = /\bS\b/.test(replyType) ? '<S>' : '';
      declarations.push(...docComment(`The reply of ${command.name}.`, ''));
      declarations.push(`export type ${alias}${generic} = ${replyType};`, '');
      for (const part of repeatedParts) {
        declarations.push(
          ...docComment(`A part of the reply of ${command.name} that holds more of itself.`, ''),
        );
        declarations.push(part, '');
      }
      replyType = `${alias}${generic}`;
    }
    if (reply.shape !== undefined) {
      const constName = `${name}Reply`;
      declarations.push(`const ${constName} = shapedBy(${shapeText(reply.shape)});`, '');
      transform = `${constName} as (reply: unknown) => ${replyType}`;
    }
  }
  const lines: string[] = [];
  lines.push(...docComment(summaryOf(command), '  '));
  lines.push(`  ${name}(${paramList(plan)}): Promise<${replyType}> {`);
  if (plan.statements) lines.push(...plan.statements);
  const wire = command.container ?? command.name;
  const argsField = plan.argsExpression === 'args' ? 'args' : `args: ${plan.argsExpression}`;
  const fields = [`name: ${quote(wire)}`, argsField, `returnBuffers: ${returnBuffers}`];
  if (transform) fields.push(`transform: ${transform}`);
  lines.push(`    return this.sendCommand({ ${fields.join(', ')} });`);
  lines.push('  }');
  return { command, name, lines, declarations };
}

/**
 * An interface with the same fields as one declared before in the file becomes an alias of it
 * (`HexpireatOptions = HexpireOptions`).
 */
function dedupeInterfaces(declarations: string[], before: readonly string[]): string[] {
  const bodies = new Map<string, string>();
  const collect = (lines: readonly string[]) => {
    for (let i = 0; i < lines.length; i++) {
      const head = /^export interface (\w+) \{$/.exec(lines[i]!);
      if (!head) continue;
      const end = lines.indexOf('}', i);
      const key = lines.slice(i + 1, end).join('\n');
      if (!bodies.has(key)) bodies.set(key, head[1]!);
    }
  };
  collect(before);
  const out: string[] = [];
  for (let i = 0; i < declarations.length; i++) {
    const head = /^export interface (\w+) \{$/.exec(declarations[i]!);
    if (head) {
      const end = declarations.indexOf('}', i);
      const key = declarations.slice(i + 1, end).join('\n');
      const same = bodies.get(key);
      if (same !== undefined && same !== head[1]) {
        out.push(`export type ${head[1]} = ${same};`);
        i = end;
        continue;
      }
      bodies.set(key, head[1]!);
    }
    out.push(declarations[i]!);
  }
  return out;
}

function shapeText(shape: Shape): string {
  return `${literal(shape)} as const`;
}

/** The documentation group a command's method is filed under (a subcommand's is its container's). */
function groupOf(command: Command, set: CommandSet): string {
  const top = command.container ? set.commands.get(command.container)! : command;
  return top.spec.group;
}

const classNameOf = (group: string) => `Generated${pascal(group)}Commands`;
export const methodFileOf = (group: string) => `${group.replace(/_/g, '-')}.ts`;

/** Names the generated code may use, and where they come from. */
const IMPORTS: readonly [string, string, boolean][] = [
  ['RedisArg', '../../command.js', true],
  ['RedisKey', '../../command.js', true],
  ['listOf', '../base.js', false],
  ['listOfOne', '../base.js', false],
  ['pushKeys', '../base.js', false],
  ['pushNumKeys', '../base.js', false],
  ['pushFields', '../replies.js', false],
  ['FieldsInput', '../types.js', true],
  ['Variadic', '../types.js', true],
  ['shapedBy', '../reply-shape.js', false],
  ['toBoolean', '../replies.js', false],
  ['toDoubleOrNull', '../replies.js', false],
];

function importsFor(body: string): string[] {
  const byModule = new Map<string, string[]>();
  for (const [name, module, typeOnly] of IMPORTS) {
    if (!new RegExp(`\\b${name}\\b`).test(body)) continue;
    if (!byModule.has(module)) byModule.set(module, []);
    byModule.get(module)!.push(typeOnly ? `type ${name}` : name);
  }
  return [...byModule].map(([module, names]) =>
    names.every((name) => name.startsWith('type '))
      ? `import type { ${names.map((name) => name.slice(5)).join(', ')} } from '${module}';`
      : `import { ${names.join(', ')} } from '${module}';`,
  );
}

/**
 * The generated method files, one per group, and `index.ts` (what the client imports). `handWritten` holds the
 * names of the methods the hand-written families already have: those commands are left to them.
 */
export function emitMethods(
  set: CommandSet,
  handWritten: ReadonlySet<string>,
  header: string,
): Map<string, string> {
  const byGroup = new Map<string, Method[]>();
  for (const command of commandsWithMethods(set)) {
    if (handWritten.has(methodNameOf(command.name))) continue;
    const group = groupOf(command, set);
    if (!byGroup.has(group)) byGroup.set(group, []);
    byGroup.get(group)!.push(methodOf(command));
  }
  const files = new Map<string, string>();
  const groups = [...byGroup.keys()].sort();
  groups.forEach((group, index) => {
    const methods = byGroup.get(group)!;
    const parent = index === 0 ? 'HandWrittenCommands' : classNameOf(groups[index - 1]!);
    const parentImport =
      index === 0
        ? "import { HandWrittenCommands } from '../hand-written.js';"
        : `import { ${parent} } from './${methodFileOf(groups[index - 1]!).replace(/\.ts$/, '.js')}';`;
    const body: string[] = [];
    for (const method of methods) body.push(...dedupeInterfaces(method.declarations, body));
    body.push(
      ...docComment(`The ${group.replace(/_/g, ' ')} commands without a hand-written method.`, ''),
      `export abstract class ${classNameOf(group)}<S extends string | Buffer = string, Info = string> extends ${parent}<`,
      '  S,',
      '  Info',
      '> {',
    );
    methods.forEach((method, i) => {
      if (i > 0) body.push('');
      body.push(...method.lines);
    });
    body.push('}', '');
    const text = body.join('\n');
    files.set(methodFileOf(group), [header, parentImport, ...importsFor(text), '', text].join('\n'));
  });
  const last = classNameOf(groups[groups.length - 1]!);
  const lastFile = methodFileOf(groups[groups.length - 1]!).replace(/\.ts$/, '.js');
  const index = [
    header,
    ...groups.map((group) => `export type * from './${methodFileOf(group).replace(/\.ts$/, '.js')}';`),
    `export { ${last} as GeneratedCommands } from './${lastFile}';`,
    '',
  ];
  files.set('index.ts', index.join('\n'));
  return files;
}

/** Every command with a method, and its method's name (for the coverage test and the README). */
export function methodNames(set: CommandSet): Map<string, string> {
  const out = new Map<string, string>();
  for (const command of commandsWithMethods(set)) out.set(command.name, methodNameOf(command.name));
  return out;
}
