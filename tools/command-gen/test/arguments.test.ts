// The argument planner, on small made-up specs: the method's parameters, and what the generated code sends for
// given values (the statements are compiled and run with the client's own helpers).
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { listOf, listOfOne, pushKeys, pushNumKeys } from '../../../libs/client/src/commands/base.js';
import { pushFields } from '../../../libs/client/src/commands/replies.js';
import { type ArgumentPlan, planArguments } from '../src/arguments.js';
import type { RawArgument } from '../src/spec.js';

/** Runs the plan's code with these parameter values; the argument list it builds. */
function send(plan: ArgumentPlan, ...values: unknown[]): unknown[] {
  const names = plan.params.map((p) => p.name);
  const body = plan.statements
    ? `${plan.statements.join('\n')}\nreturn args;`
    : `return ${plan.argsExpression};`;
  const js = ts.transpile(
    `(function (${names.map((n, i) => (plan.params[i]!.rest ? `...${n}` : n)).join(', ')}) {\n${body}\n})`,
  );
  const helpers = { listOf, listOfOne, pushKeys, pushNumKeys, pushFields };
  const make = new Function(...Object.keys(helpers), `return ${js}`);
  return make(...Object.values(helpers))(...values);
}

const key: RawArgument = { name: 'key', type: 'key' };
const tokens = (name: string, ...names: string[]): RawArgument => ({
  name,
  type: 'oneof',
  arguments: names.map((token) => ({ name: token.toLowerCase(), type: 'pure-token', token })),
});

describe('planArguments', () => {
  it('required plain arguments are positional and sent as an array literal', () => {
    const plan = planArguments(
      [key, { name: 'offset', type: 'integer' }, { name: 'value', type: 'string' }],
      [],
      'X',
    );
    expect(plan.params.map((p) => `${p.name}: ${p.type}`)).toEqual([
      'key: RedisKey',
      'offset: number',
      'value: RedisArg',
    ]);
    expect(plan.statements).toBeUndefined();
    expect(plan.argsExpression).toBe('[key, offset, value]');
    expect(send(plan, 'k', 3, 'v')).toEqual(['k', 3, 'v']);
  });

  it('a subcommand is sent first', () => {
    const plan = planArguments([key], ['ENCODING'], 'ObjectEncoding');
    expect(send(plan, 'k')).toEqual(['ENCODING', 'k']);
  });

  it('numkeys and its keys are one list, counted for the caller', () => {
    const plan = planArguments(
      [
        { name: 'numkeys', type: 'integer' },
        { name: 'key', type: 'key', multiple: true },
      ],
      [],
      'Z',
    );
    expect(plan.params).toEqual([
      { name: 'keys', type: 'RedisKey | readonly RedisKey[]', optional: false, rest: false },
    ]);
    expect(send(plan, ['a', 'b'])).toEqual([2, 'a', 'b']);
    expect(send(plan, 'a')).toEqual([1, 'a']);
  });

  it('a last repeated argument with nothing optional is a rest parameter', () => {
    const plan = planArguments([key, { name: 'member', type: 'string', multiple: true }], [], 'P');
    expect(plan.params[1]).toEqual({
      name: 'members',
      type: 'Variadic<RedisArg>',
      optional: false,
      rest: true,
    });
    expect(send(plan, 'k', 'a', 'b')).toEqual(['k', 'a', 'b']);
    expect(send(plan, 'k', ['a', 'b'])).toEqual(['k', 'a', 'b']);
  });

  it('optional arguments go into an options object, in the spec order, between required ones', () => {
    const plan = planArguments(
      [
        key,
        { ...tokens('condition', 'NX', 'XX'), optional: true },
        { name: 'change', type: 'pure-token', token: 'CH', optional: true },
        { name: 'limit', type: 'integer', token: 'LIMIT', optional: true },
        {
          name: 'range',
          type: 'block',
          token: 'RANGE',
          optional: true,
          arguments: [
            { name: 'start', type: 'integer' },
            { name: 'end', type: 'integer' },
          ],
        },
        { name: 'member', type: 'string' },
      ],
      [],
      'Geoadd',
    );
    expect(plan.params.map((p) => p.name)).toEqual(['key', 'member', 'options']);
    expect(plan.types[0]).toEqual({
      name: 'GeoaddOptions',
      fields: [
        { name: 'condition', type: "'NX' | 'XX'", optional: true, doc: undefined },
        { name: 'change', type: 'boolean', optional: true, doc: 'Sends CH.' },
        { name: 'limit', type: 'number', optional: true, doc: 'Sent as LIMIT <limit>.' },
        { name: 'range', type: 'GeoaddRange', optional: true, doc: 'Sent as RANGE <range>.' },
      ],
    });
    expect(send(plan, 'k', 'm')).toEqual(['k', 'm']);
    expect(
      send(plan, 'k', 'm', { condition: 'XX', change: true, limit: 5, range: { start: 1, end: 2 } }),
    ).toEqual(['k', 'XX', 'CH', 'LIMIT', 5, 'RANGE', 1, 2, 'm']);
  });

  it('an untokened one-of of valued alternatives is one field each; a tokened one is a union of objects', () => {
    const plan = planArguments(
      [
        key,
        {
          name: 'expiration',
          type: 'oneof',
          optional: true,
          arguments: [
            { name: 'seconds', type: 'integer', token: 'EX' },
            { name: 'keepttl', type: 'pure-token', token: 'KEEPTTL' },
          ],
        },
        {
          name: 'filterby',
          type: 'oneof',
          token: 'FILTERBY',
          optional: true,
          arguments: [
            { name: 'module-name', type: 'string', token: 'MODULE' },
            { name: 'pattern', type: 'pattern', token: 'PATTERN' },
          ],
        },
      ],
      [],
      'S',
    );
    expect(plan.types[0]!.fields.map((f) => `${f.name}: ${f.type}`)).toEqual([
      'seconds: number',
      'keepttl: boolean',
      'filterby: { moduleName: RedisArg } | { pattern: RedisArg }',
    ]);
    expect(send(plan, 'k', { seconds: 10 })).toEqual(['k', 'EX', 10]);
    expect(send(plan, 'k', { keepttl: true, filterby: { pattern: 'a*' } })).toEqual([
      'k',
      'KEEPTTL',
      'FILTERBY',
      'PATTERN',
      'a*',
    ]);
    expect(send(plan, 'k', { filterby: { moduleName: 'm' } })).toEqual(['k', 'FILTERBY', 'MODULE', 'm']);
  });

  it('a trailing optional block, alone, is an optional parameter whose inner optional parts nest', () => {
    const plan = planArguments(
      [
        key,
        {
          name: 'range',
          type: 'block',
          optional: true,
          arguments: [
            { name: 'start', type: 'integer' },
            {
              name: 'end-unit-block',
              type: 'block',
              optional: true,
              arguments: [
                { name: 'end', type: 'integer' },
                { ...tokens('unit', 'BYTE', 'BIT'), optional: true },
              ],
            },
          ],
        },
      ],
      [],
      'Bitpos',
    );
    expect(plan.params[1]).toEqual({ name: 'range', type: 'BitposRange', optional: true, rest: false });
    expect(plan.types[0]!.fields.map((f) => `${f.name}${f.optional ? '?' : ''}: ${f.type}`)).toEqual([
      'start: number',
      'end?: number',
      "unit?: 'BYTE' | 'BIT'",
    ]);
    expect(send(plan, 'k')).toEqual(['k']);
    expect(send(plan, 'k', { start: 1 })).toEqual(['k', 1]);
    expect(send(plan, 'k', { start: 1, end: 5, unit: 'BIT' })).toEqual(['k', 1, 5, 'BIT']);
  });

  it('a tokened block holding one counted list is that list (FIELDS numfields field...)', () => {
    const plan = planArguments(
      [
        key,
        {
          name: 'fields',
          type: 'block',
          token: 'FIELDS',
          arguments: [
            { name: 'numfields', type: 'integer' },
            { name: 'field', type: 'string', multiple: true },
          ],
        },
      ],
      [],
      'H',
    );
    expect(plan.params[1]!.type).toBe('RedisArg | readonly RedisArg[]');
    expect(send(plan, 'k', ['a', 'b'])).toEqual(['k', 'FIELDS', 2, 'a', 'b']);
  });

  it('field/value pairs take an object or a Map, as HSET does', () => {
    const plan = planArguments(
      [
        key,
        {
          name: 'data',
          type: 'block',
          multiple: true,
          arguments: [
            { name: 'field', type: 'string' },
            { name: 'value', type: 'string' },
          ],
        },
      ],
      [],
      'Hmset',
    );
    expect(plan.params[1]!.type).toBe('FieldsInput');
    expect(send(plan, 'k', { a: '1', b: 2 })).toEqual(['k', 'a', '1', 'b', 2]);
    expect(send(plan, 'k', new Map([['c', '3']]))).toEqual(['k', 'c', '3']);
  });

  it('a required one-of of a value or tokens is that value, and repeated tokened values repeat their token', () => {
    const plan = planArguments(
      [
        key,
        {
          name: 'id-selector',
          type: 'oneof',
          arguments: [
            { name: 'auto-id', type: 'pure-token', token: '*' },
            { name: 'id', type: 'string' },
          ],
        },
        {
          name: 'get-pattern',
          type: 'pattern',
          token: 'GET',
          optional: true,
          multiple: true,
          multiple_token: true,
        },
      ],
      [],
      'X',
    );
    expect(plan.params[1]).toMatchObject({ name: 'idSelector', type: 'RedisArg' });
    expect(plan.types[0]!.fields[0]).toMatchObject({ name: 'getPatterns', type: 'readonly RedisArg[]' });
    expect(send(plan, 'k', '*', { getPatterns: ['a', 'b'] })).toEqual(['k', '*', 'GET', 'a', 'GET', 'b']);
  });
});
