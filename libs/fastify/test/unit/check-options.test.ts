import { ClusterClient, type ClusterConnection } from '@keyslot/client';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOptions } from '../../src/check-options.js';
import type { KeyslotPluginOptions } from '../../src/options.js';

// A real connection that is never asked to reach anything: port 1 refuses, and it is destroyed afterwards.
const client = new ClusterClient(['127.0.0.1:1']);
const open = client.createConnection();
afterAll(() => open.destroy());

// Plain JavaScript callers can pass what the types forbid; these casts play that caller.
const loose = (options: unknown) => () => checkOptions(options as KeyslotPluginOptions);

describe('checkOptions', () => {
  it('plans to connect from nodes, waiting at start by default', () => {
    const { plan, health } = checkOptions({ nodes: ['127.0.0.1:7000'] });
    expect(plan).toEqual({
      kind: 'connect',
      nodes: ['127.0.0.1:7000'],
      clientOptions: {},
      config: {},
      connectOnStart: true,
    });
    expect(health).toBeUndefined();
  });

  it('plans to adopt a client, leaving it open unless closeConnection', () => {
    expect(checkOptions({ client: open }).plan).toEqual({
      kind: 'adopt',
      connection: open,
      closeOnClose: false,
    });
    expect(checkOptions({ client: open, closeConnection: true }).plan).toMatchObject({ closeOnClose: true });
  });

  it('plans the health route with a default timeout', () => {
    expect(checkOptions({ client: open, healthRoute: '/health/redis' }).health).toEqual({
      path: '/health/redis',
      timeoutMs: 2_000,
    });
  });

  it.each([
    ['no options', undefined, /needs options/],
    ['neither nodes nor client', {}, /needs nodes .* or client/],
    ['both nodes and client', { nodes: ['127.0.0.1:7000'], client: open }, /not both/],
    ['a ClusterClient as client', { client }, /client is a ClusterClient; pass the connection/],
    ['something else as client', { client: {} }, /client must be a ClusterConnection/],
    ['connect options with client', { client: open, connectOnStart: false }, /connectOnStart only apply/],
    ['closeConnection with nodes', { nodes: ['127.0.0.1:7000'], closeConnection: true }, /adopted client/],
    ['a non-boolean connectOnStart', { nodes: ['127.0.0.1:7000'], connectOnStart: 'no' }, /true or false/],
    ['a relative health route', { client: open, healthRoute: 'health' }, /starting with '\/'/],
    [
      'a zero health timeout',
      { client: open, healthTimeoutMs: 0 },
      /healthTimeoutMs must be a positive number/,
    ],
  ])('refuses %s with a ConfigError', (_case, options, message) => {
    expect(loose(options)).toThrow(message);
    expect(loose(options)).toThrow(expect.objectContaining({ code: 'ERR_KEYSLOT_CONFIG' }));
  });

  it('refuses a client that was already closed', () => {
    const closed: ClusterConnection = client.createConnection();
    closed.destroy();
    expect(() => checkOptions({ client: closed })).toThrow(/already closed/);
  });
});
