import { describe, expect, it } from 'vitest';
import { differences, fingerprintOptions } from '../../src/options-fingerprint.js';

const compare = (a: Parameters<typeof fingerprintOptions>[0], b: Parameters<typeof fingerprintOptions>[0]) =>
  differences(fingerprintOptions(a), fingerprintOptions(b));

describe('fingerprintOptions', () => {
  it('ignores key order, unset fields, empty objects and the connectOnStart default', () => {
    expect(
      compare(
        { nodes: ['a:1'], connection: { connectTimeoutMs: 1000, commandTimeoutMs: 2000 } },
        {
          connection: { commandTimeoutMs: 2000, connectTimeoutMs: 1000 },
          clientOptions: {},
          nodes: ['a:1'],
          connectOnStart: true,
        },
      ),
    ).toEqual([]);
  });

  it('names each differing path with both values', () => {
    expect(compare({ nodes: ['a:1'], connectOnStart: false }, { nodes: ['a:1', 'b:2'] })).toEqual([
      'connectOnStart: false vs true',
      'nodes[1]: (not set) vs "b:2"',
    ]);
  });

  it('compares secrets by value but prints them as ***', () => {
    const tls = (key: string) => ({ tls: { key: Buffer.from(key), ca: 'CA' } });
    expect(
      compare(
        { nodes: ['redis://u:one@h:1'], clientOptions: { password: 'p1', ...tls('k1') } },
        { nodes: ['redis://u:two@h:1'], clientOptions: { password: 'p2', ...tls('k2') } },
      ),
    ).toEqual([
      'clientOptions.password: *** vs ***',
      'clientOptions.tls.key: *** vs ***',
      'nodes[0]: "redis://u:***@h:1" vs "redis://u:***@h:1"',
    ]);
    expect(
      compare(
        { nodes: ['h:1'], clientOptions: { password: 'same' } },
        { nodes: ['h:1'], clientOptions: { password: 'same' } },
      ),
    ).toEqual([]);
  });

  it('compares functions by their code, so a factory that makes a fresh closure per call still matches', () => {
    const natMap = () => (address: { host: string; port: number }) => ({ ...address, host: 'nat' });
    expect(
      compare(
        { nodes: ['h:1'], clientOptions: { natMap: natMap() } },
        { nodes: ['h:1'], clientOptions: { natMap: natMap() } },
      ),
    ).toEqual([]);
    expect(
      compare(
        { nodes: ['h:1'], clientOptions: { natMap: natMap() } },
        { nodes: ['h:1'], clientOptions: { natMap: (address) => address } },
      ),
    ).toEqual(['clientOptions.natMap: [function anonymous] vs [function natMap]']);
  });
});
