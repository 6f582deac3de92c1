import { ClosedError, ConnectionError, ProtocolError } from '../errors.js';

// The errors a multiplexed connection ends with or refuses commands with, in one place so their wording stays
// consistent. Each names the server's address; none quotes a command's arguments.

/** The socket reported an error: the connection is lost. */
export function socketError(address: string, error: Error): ConnectionError {
  return new ConnectionError(`connection to ${address} failed: ${error.message}`, address, { cause: error });
}

/** The socket closed: the server hung up, or the network path was cut. */
export function socketClosedError(address: string): ConnectionError {
  return new ConnectionError(`connection to ${address} was closed`, address);
}

/** The server hung up during a handshake step whose failure is tolerated (CLIENT SETINFO). */
export function closedInHandshakeError(address: string): ConnectionError {
  return new ConnectionError(`connection to ${address} was closed during the handshake`, address);
}

/** The server sent something that is not RESP: no later reply can be matched to its command any more. */
export function badReplyError(address: string, error: unknown): ConnectionError {
  const protocolError =
    error instanceof ProtocolError ? error : new ProtocolError(`bad reply from ${address}`, { cause: error });
  return new ConnectionError(`${protocolError.message} (from ${address})`, address, { cause: protocolError });
}

/** A reply came while no command was waiting for one: the stream is out of step. */
export function unaskedReplyError(address: string): ProtocolError {
  return new ProtocolError(`${address} sent a reply nobody asked for`);
}

/** `ReplyWatchdog` found the connection stuck; the owner makes a new one (`dropWhenStuck`). */
export function stuckError(address: string, silentMs: number): ConnectionError {
  return new ConnectionError(
    `connection to ${address} is stuck: nothing was read for ${silentMs} ms while a reply was overdue (a half-open socket, or a server or network path that stopped answering); dropped for a new one`,
    address,
  );
}

/** `destroy()` without an error of its own. */
export function destroyedError(address: string): ClosedError {
  return new ClosedError(`connection to ${address} was destroyed`);
}

/** What a command sent to a connection that is no longer open fails with: the error that ended it, if any. */
export function closedError(address: string, closing: boolean, closeError: Error | undefined): Error {
  return closing
    ? new ClosedError(`connection to ${address} is closing; no new commands are accepted`)
    : (closeError ?? new ClosedError(`connection to ${address} is closed`));
}
