import type { RedisArg } from '../command.js';
import { ConnectionError, OutcomeUnknownError, ReplyError } from '../errors.js';
import type { NodeConnectionSettings } from './connection-options.js';
import type { Fetched } from './credentials.js';
import type { MultiplexedConnection } from './multiplexed-connection.js';
import { knowsClientSetInfo, serverInfoFromHello } from './server-info.js';

const LIB_NAME = 'keyslot';
const LIB_VERSION = '0.1.0';

/**
 * Agrees on the protocol and identifies the client: HELLO 3 with AUTH and SETNAME, falling back to RESP2 (AUTH,
 * CLIENT SETNAME) where HELLO is unknown; then CLIENT SETINFO where the server (as HELLO described it) knows it,
 * SELECT and READONLY when asked.
 */
export async function handshake(
  connection: MultiplexedConnection,
  settings: NodeConnectionSettings,
): Promise<void> {
  const timeout = settings.connectTimeoutMs;
  let password = settings.password?.reveal();
  let named = settings.username;
  let fetched: Fetched | undefined;
  try {
    if (settings.credentials) {
      fetched = await settings.credentials.fetchWithin(timeout, connection.address);
      password = fetched.password.reveal();
      named = fetched.username;
    }
    const username = named ?? 'default';
    if (settings.protocol === 3) {
      const args: string[] = ['3'];
      if (password !== undefined) args.push('AUTH', username, password);
      if (settings.clientName !== undefined) args.push('SETNAME', settings.clientName);
      try {
        connection.server = serverInfoFromHello(await connection.execHere({ name: 'HELLO', args }, timeout));
        connection.protocol = 3;
      } catch (error) {
        if (!(error instanceof ReplyError) || !isUnknownHello(error)) throw error;
      }
    }
    if (connection.protocol === 2) {
      if (password !== undefined) {
        const authArgs = named === undefined ? [password] : [username, password];
        await connection.execHere({ name: 'AUTH', args: authArgs }, timeout);
      }
      if (settings.clientName !== undefined) {
        await connection.execHere({ name: 'CLIENT', args: ['SETNAME', settings.clientName] }, timeout);
      }
    }
    if (settings.tracking && connection.protocol !== 3) {
      throw new ConnectionError(
        `${connection.address} did not agree to RESP3 (HELLO 3), which the client-side cache needs for invalidation messages; use Redis 6 or later, or turn the cache off`,
        connection.address,
      );
    }
  } catch (error) {
    throw explainHandshakeFailure(error, connection.address, settings, named);
  }
  // Sent together, however small the application's `maxPending`: they are the connection's own, not its commands.
  const step = (name: string, args: RedisArg[]): Promise<unknown> =>
    connection.execOwnStep({ name, args }, timeout);
  const steps: Promise<unknown>[] = [];
  if (knowsClientSetInfo(connection.server)) {
    // A server HELLO did not describe (RESP2) may not know SETINFO either; that is fine.
    steps.push(
      step('CLIENT', ['SETINFO', 'LIB-NAME', LIB_NAME]).catch(ignore),
      step('CLIENT', ['SETINFO', 'LIB-VER', LIB_VERSION]).catch(ignore),
    );
  }
  if (settings.db !== 0) steps.push(step('SELECT', [settings.db]));
  if (settings.readonly) steps.push(step('READONLY', []));
  // Before any read: every key this connection reads is then tracked, and its invalidation comes back here.
  if (settings.tracking) steps.push(step('CLIENT', ['TRACKING', 'ON']));
  try {
    await Promise.all(steps);
  } catch (error) {
    throw explainHandshakeFailure(error, connection.address, settings, named);
  }
  if (fetched !== undefined) settings.credentials!.track(connection, fetched);
}

function isUnknownHello(error: ReplyError): boolean {
  return error.prefix === 'NOPROTO' || /unknown command/i.test(error.message);
}

function explainHandshakeFailure(
  error: unknown,
  address: string,
  settings: NodeConnectionSettings,
  username: string | undefined,
): unknown {
  if (error instanceof OutcomeUnknownError) {
    // Lost while connecting: "HELLO may or may not have run" would mislead; the connection simply failed.
    return new ConnectionError(`connection to ${address} was lost during the handshake`, address, {
      cause: error.cause,
    });
  }
  if (!(error instanceof ReplyError)) return error;
  const who = username === undefined ? 'the default user' : `user '${username}'`;
  if (error.prefix === 'WRONGPASS' || error.prefix === 'NOAUTH' || /password/i.test(error.message)) {
    const hint = settings.credentials
      ? 'the server refused what the credentials provider returned'
      : settings.password === undefined
        ? 'the server requires a password: pass `password` (and `username` for an ACL user)'
        : 'check the username and password';
    return new ConnectionError(
      `authentication as ${who} failed on ${address}: ${error.message} (${hint})`,
      address,
      {
        cause: error,
      },
    );
  }
  return new ConnectionError(`handshake with ${address} failed: ${error.message}`, address, { cause: error });
}

function ignore(): void {}
