import { describe, expect, it } from 'vitest';
import { splitAddress } from '../../../src/util/address.js';

describe('splitAddress', () => {
  it.each([
    ['127.0.0.1:7000', '127.0.0.1', 7000],
    ['redis-0.example:6379', 'redis-0.example', 6379],
    ['[::1]:7000', '::1', 7000],
    ['::1:7000', '::1', 7000],
    [':7000', '', 7000],
  ])('%s', (address, host, port) => {
    expect(splitAddress(address)).toEqual({ host, port });
  });
});
