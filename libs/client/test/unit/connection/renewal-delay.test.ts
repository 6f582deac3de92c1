import { describe, expect, it } from 'vitest';
import { renewalDelayMs } from '../../../src/connection/credentials.js';

const lowest = () => 0;
const highest = () => 1;

describe('renewalDelayMs: when the credentials are renewed next', () => {
  it('renews at 80% of a healthy lifetime, never sooner than 1 s', () => {
    expect(renewalDelayMs(10_000, 0)).toBe(8_000);
    expect(renewalDelayMs(500, 0)).toBe(1_000);
  });

  it('after failures on an expired secret: backs off exponentially up to 30 s, never every second', () => {
    const expired = -5_000;
    const floors = [1, 2, 3, 4, 5, 6, 10].map((failures) => renewalDelayMs(expired, failures, lowest));
    const ceilings = [1, 2, 3, 4, 5, 6, 10].map((failures) => renewalDelayMs(expired, failures, highest));
    expect(floors).toEqual([1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000]);
    expect(ceilings).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('after a failure with time left: backs off within half the remaining lifetime', () => {
    expect(renewalDelayMs(6_000, 3, highest)).toBe(3_000);
    expect(renewalDelayMs(60_000, 1, highest)).toBe(2_000);
  });
});
