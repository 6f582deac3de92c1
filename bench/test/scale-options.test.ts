import { describe, expect, it } from 'vitest';
import { type BenchOptions, parseOptions } from '../src/options.js';

function parse(argv: string[], env: NodeJS.ProcessEnv = {}): BenchOptions {
  const options = parseOptions(argv, env);
  if (options === 'help') throw new Error('unexpected help');
  return options;
}

describe('--scale options', () => {
  it('leaves the scale benchmark off by default, with every section, 3/12/30 primaries and 20,000 ops/s ready', () => {
    const options = parse([]);
    expect(options.scale).toBe(false);
    expect(options.scaleParts).toEqual(['nodes', 'callers', 'values', 'limit']);
    expect(options.scalePrimaries).toEqual([3, 12, 30]);
    expect(options.scaleRate).toBe(20_000);
    expect(options.rounds).toBe(3);
  });

  it('--scale runs one round unless rounds are asked for, by flag or environment', () => {
    expect(parse(['--scale']).rounds).toBe(1);
    expect(parse(['--scale', '--rounds', '2']).rounds).toBe(2);
    expect(parse(['--rounds', '2', '--scale']).rounds).toBe(2);
    expect(parse(['--scale'], { BENCH_ROUNDS: '3' }).rounds).toBe(3);
  });

  it('--scale-parts picks sections and implies --scale', () => {
    const options = parse(['--scale-parts', 'callers']);
    expect(options.scale).toBe(true);
    expect(options.scaleParts).toEqual(['callers']);
    expect(parse(['--scale-parts', 'nodes, callers']).scaleParts).toEqual(['nodes', 'callers']);
  });

  it('refuses a section this build does not have, naming the ones it has', () => {
    expect(() => parse(['--scale-parts', 'nodes,bogus'])).toThrow(
      /unknown scale part 'bogus'; choose from nodes, callers, values, limit/,
    );
  });

  it('--scale-primaries takes whole numbers from 3 to 100', () => {
    expect(parse(['--scale-primaries', '3,30']).scalePrimaries).toEqual([3, 30]);
    for (const bad of ['2', '3,x', '101', '4.5', ''])
      expect(() => parse(['--scale-primaries', bad]), bad).toThrow(/--scale-primaries takes whole numbers/);
  });

  it('--scale-rate takes a positive rate, rounded', () => {
    expect(parse(['--scale-rate', '12345.6']).scaleRate).toBe(12_346);
    expect(() => parse(['--scale-rate', '0'])).toThrow(/--scale-rate needs a positive number/);
    expect(() => parse(['--scale-rate'])).toThrow(/--scale-rate needs a value/);
  });
});
