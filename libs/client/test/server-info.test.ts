// Reading what a server is from its HELLO reply, and which servers are sent CLIENT SETINFO.
import { describe, expect, it } from 'vitest';
import { knowsClientSetInfo, serverInfoFromHello } from '../src/connection/server-info.js';

describe('serverInfoFromHello', () => {
  it('reads server and version from a RESP3 map, with string or Buffer bulks', () => {
    const hello = (entries: [unknown, unknown][]) => new Map(entries);
    expect(
      serverInfoFromHello(
        hello([
          ['server', 'valkey'],
          ['version', '8.0.1'],
          ['proto', 3],
        ]),
      ),
    ).toEqual({
      name: 'valkey',
      version: '8.0.1',
    });
    expect(
      serverInfoFromHello(
        hello([
          [Buffer.from('server'), Buffer.from('redis')],
          [Buffer.from('version'), Buffer.from('7.4.1')],
        ]),
      ),
    ).toEqual({ name: 'redis', version: '7.4.1' });
  });

  it('is undefined for a reply without both fields, or one that is not a map (RESP2)', () => {
    expect(serverInfoFromHello(new Map([['server', 'redis']]))).toBeUndefined();
    expect(serverInfoFromHello(['server', 'redis', 'version', '7.0.15'])).toBeUndefined();
    expect(serverInfoFromHello('OK')).toBeUndefined();
  });
});

describe('knowsClientSetInfo', () => {
  it('Redis from 7.2 and every Valkey get CLIENT SETINFO; Redis before 7.2 does not; an unknown server is tried', () => {
    expect(knowsClientSetInfo({ name: 'redis', version: '7.0.15' })).toBe(false);
    expect(knowsClientSetInfo({ name: 'redis', version: '6.2.14' })).toBe(false);
    expect(knowsClientSetInfo({ name: 'redis', version: '7.2.0' })).toBe(true);
    expect(knowsClientSetInfo({ name: 'redis', version: '8.0.0' })).toBe(true);
    expect(knowsClientSetInfo({ name: 'valkey', version: '7.2.5' })).toBe(true);
    expect(knowsClientSetInfo(undefined)).toBe(true);
  });
});
