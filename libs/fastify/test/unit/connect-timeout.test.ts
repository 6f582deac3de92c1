import { describe, expect, it } from 'vitest';
import { connectTimeoutWithin } from '../../src/connect-timeout.js';

describe('connectTimeoutWithin', () => {
  it("keeps the client's default when it fits within Fastify's default plugin timeout", () => {
    expect(connectTimeoutWithin(10_000)).toBe(5_000);
    expect(connectTimeoutWithin(10_000, 1_000)).toBe(1_000);
  });

  it('ends one second before the plugin timeout', () => {
    expect(connectTimeoutWithin(10_000, 30_000)).toBe(9_000);
    expect(connectTimeoutWithin(20_000, 30_000)).toBe(19_000);
  });

  it('keeps a tenth of a short plugin timeout as the margin', () => {
    expect(connectTimeoutWithin(3_000)).toBe(2_700);
    expect(connectTimeoutWithin(2_000)).toBe(1_800);
    expect(connectTimeoutWithin(500)).toBe(450);
  });

  it('leaves the timeout alone when the plugin timeout is disabled or unknown', () => {
    expect(connectTimeoutWithin(0, 30_000)).toBe(30_000);
    expect(connectTimeoutWithin(undefined, 30_000)).toBe(30_000);
  });
});
