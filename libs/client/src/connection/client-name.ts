import { ConfigError } from '../errors.js';

/**
 * The server refuses, in CLIENT SETNAME, a name with any character outside `!`..`~`: every handshake would fail, after
 * HELLO (with the password) went out. Checked when the client is built, before anything is sent.
 */
export function checkClientName(name: unknown): void {
  if (name === undefined) return;
  if (typeof name !== 'string') throw new ConfigError('clientName must be a string');
  if (!/^[!-~]*$/.test(name)) {
    throw new ConfigError(
      'clientName must be printable ASCII without spaces (the server refuses other names in CLIENT SETNAME)',
    );
  }
}
