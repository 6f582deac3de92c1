// Reply schemas to reply types and conversions, on made-up schemas; the conversions run through the client's
// `reshape` on a RESP2 and a RESP3 rendering of the same reply and must give one value.
import { describe, expect, it } from 'vitest';
import { type ReplyShape, reshape } from '../../../libs/client/src/commands/reply-shape.js';
import { planReply, type ReplyContext } from '../src/replies.js';
import type { ReplySchema } from '../src/spec.js';

const context = (data = false, optional: string[] = []): ReplyContext => ({
  data,
  optional: new Set(optional),
  path: '',
  command: 'TEST',
});

describe('planReply', () => {
  it('scalars, constants and unions', () => {
    expect(planReply({ const: 'OK' }, context()).type).toBe("'OK'");
    expect(planReply({ type: 'integer' }, context()).type).toBe('number');
    expect(planReply({ oneOf: [{ const: 0 }, { const: 1 }] }, context()).type).toBe('0 | 1');
    expect(planReply({ oneOf: [{ const: -2 }, { type: 'integer' }] }, context()).type).toBe('number');
    expect(planReply({ oneOf: [{ type: 'string' }, { type: 'null' }] }, context(true)).type).toBe('S | null');
    expect(planReply({ type: 'string' }, context(false)).type).toBe('string');
    expect(planReply({ type: 'number' }, context())).toEqual({ type: 'number', shape: 'double' });
    expect(planReply(undefined, context()).type).toBe('unknown');
  });

  it('arrays and tuples, with optional and extra elements', () => {
    expect(planReply({ type: 'array', items: { type: 'integer' } }, context())).toEqual({
      type: 'number[]',
      shape: undefined,
    });
    const tuple: ReplySchema = {
      type: 'array',
      minItems: 1,
      items: [{ type: 'string' }, { type: 'number' }],
      additionalItems: { type: 'integer' },
    };
    expect(planReply(tuple, context(true))).toEqual({
      type: '[S, number?, ...number[]]',
      shape: { tuple: [0, 'double'] },
    });
  });

  it('objects: named fields (optional where listed), any other field, and maps', () => {
    const schema: ReplySchema = {
      type: 'object',
      properties: { name: { type: 'string' }, ratio: { type: 'number' }, code: { type: 'string' } },
      patternProperties: { '^db': { type: 'integer' } },
    };
    const plan = planReply(schema, context(false, ['code']));
    expect(plan.type).toBe(
      '{ name: string; ratio: number; code?: string; [field: string]: string | number | undefined }',
    );
    expect(plan.shape).toEqual({ record: { name: 0, ratio: 'double', code: 0 }, rest: 0 });
    expect(planReply({ type: 'object', additionalProperties: { type: 'integer' } }, context()).type).toBe(
      'Record<string, number>',
    );
  });

  it('a union of objects of different fields converts as one object', () => {
    const plan = planReply(
      {
        oneOf: [
          { type: 'object', properties: { index: { type: 'integer' } } },
          { type: 'object', properties: { keyword: { type: 'string' }, startfrom: { type: 'integer' } } },
        ],
      },
      context(),
    );
    expect(plan.shape).toEqual({ record: { index: 0, keyword: 0, startfrom: 0 } });
  });

  it('refuses a union whose branches convert differently (the command needs a hand-written reply)', () => {
    expect(() =>
      planReply(
        {
          anyOf: [
            { type: 'array', items: { type: 'number' } },
            { type: 'array', items: { type: 'string' } },
          ],
        },
        context(),
      ),
    ).toThrow(/converts differently per branch/);
  });
});

describe('reshape gives RESP2 and RESP3 the same value', () => {
  const shape = planReply(
    {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          ratio: { type: 'number' },
          flags: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    context(),
  ).shape as ReplyShape;

  it('maps from flat arrays or Maps, doubles from text or numbers', () => {
    const resp2 = [
      ['name', 'a', 'ratio', '1.5', 'flags', ['x']],
      ['name', 'b', 'ratio', 'inf', 'flags', []],
    ];
    const resp3 = [
      new Map<string, unknown>([
        ['name', 'a'],
        ['ratio', 1.5],
        ['flags', ['x']],
      ]),
      new Map<string, unknown>([
        ['name', 'b'],
        ['ratio', Number.POSITIVE_INFINITY],
        ['flags', []],
      ]),
    ];
    const expected = [
      { name: 'a', ratio: 1.5, flags: ['x'] },
      { name: 'b', ratio: Number.POSITIVE_INFINITY, flags: [] },
    ];
    expect(reshape(shape, resp2)).toEqual(expected);
    expect(reshape(shape, resp3)).toEqual(expected);
    expect(reshape(shape, null)).toBeNull();
  });
});

describe('parts that hold more of themselves', () => {
  const entry: ReplySchema = {
    type: 'object',
    properties: {
      args: {
        type: 'array',
        items: { type: 'object', properties: { name: { type: 'string' }, args: { type: 'array' } } },
      },
      subs: { $ref: '#' },
    },
  };
  const schema: ReplySchema = { type: 'object', additionalProperties: entry };

  it("name a repeated part's type after the reply and convert it with recursive / recurse", () => {
    const types: string[] = [];
    const plan = planReply(schema, {
      ...context(),
      repeats: { '*.args.args': '*.args' },
      typeName: 'TestReply',
      types,
    });
    expect(plan.type).toBe('Record<string, { args: TestReplyArgs; subs: TestReply }>');
    expect(types).toEqual(['export type TestReplyArgs = { name: string; args: TestReplyArgs }[];']);
    expect(plan.shape).toEqual({
      recursive: {
        record: {},
        rest: {
          record: {
            args: { recursive: { list: { record: { name: 0, args: 'recurse' } } } },
            subs: 'recurse',
          },
        },
      },
    });
  });

  it('refuse a repeat of a part that is not the nearest repeated one, which recurse could not reach', () => {
    expect(() =>
      planReply(schema, {
        ...context(),
        repeats: { '*.args.name': '*.args', '*.args.args': '' },
        typeName: 'TestReply',
        types: [],
      }),
    ).toThrow(/not the nearest repeated part/);
  });
});
