import { describe, expect, it } from 'vitest';
import { startsWithPattern } from '../../src/match-pattern.js';

describe('startsWithPattern', () => {
  it('escapes the glob characters of the prefix and matches what follows it', () => {
    expect(startsWithPattern('cache:')).toBe('cache:*');
    expect(startsWithPattern('a*b?[c]\\:')).toBe('a\\*b\\?\\[c\\]\\\\:*');
    expect(startsWithPattern('')).toBe('*');
  });
});
