import { describe, expect, it } from 'vitest';
import { ClusterClient, ConfigError } from '../../../src/index.js';

// A name the server refuses in CLIENT SETNAME would fail every node's handshake after HELLO (with the password) went
// out: the cluster client refuses it when it is built, as the standalone Client does.
describe('ClusterClient clientName', () => {
  it.each([
    [{ clientName: 'my app' }, /clientName must be printable ASCII without spaces/],
    [{ clientName: 'line\nbreak' }, /clientName must be printable ASCII without spaces/],
    [{ clientName: 'café' }, /clientName must be printable ASCII without spaces/],
    [{ clientName: 42 }, /clientName must be a string/],
  ])('%j is a ConfigError when the client is built', (options, message) => {
    let error: unknown;
    try {
      new ClusterClient(['127.0.0.1:1'], options as unknown as { clientName: string });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'ERR_KEYSLOT_CONFIG' });
    expect((error as Error).message).toMatch(message);
  });

  it('accepts every printable ASCII name the server accepts', () => {
    expect(() => new ClusterClient(['127.0.0.1:1'], { clientName: 'orders-api:v2/#1~' })).not.toThrow();
  });
});
