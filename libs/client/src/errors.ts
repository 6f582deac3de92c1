/**
 * One error hierarchy for everything keyslot throws or rejects with. Every class has a stable `code` to branch on;
 * messages name the command and the server address, never a password or a command's arguments.
 */

/** Stable error codes. Match on these, not on messages. */
export type KeyslotErrorCode =
  | 'ERR_KEYSLOT_REPLY'
  | 'ERR_KEYSLOT_CONNECTION'
  | 'ERR_KEYSLOT_TIMEOUT'
  | 'ERR_KEYSLOT_CLOSED'
  | 'ERR_KEYSLOT_PROTOCOL'
  | 'ERR_KEYSLOT_OUTCOME_UNKNOWN'
  | 'ERR_KEYSLOT_CONFIG'
  | 'ERR_KEYSLOT_ARGUMENT'
  | 'ERR_KEYSLOT_CROSS_SLOT'
  | 'ERR_KEYSLOT_QUEUE_FULL'
  | 'ERR_KEYSLOT_CLUSTER';

/** Base class of every error keyslot produces. */
export abstract class KeyslotError extends Error {
  abstract readonly code: KeyslotErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * An error reply from the server, passed on as the server wrote it. `prefix` is the first word of the reply
 * (`ERR`, `WRONGTYPE`, `NOPERM`, `MOVED`...), `message` is the server's whole text.
 */
export class ReplyError extends KeyslotError {
  readonly code = 'ERR_KEYSLOT_REPLY' as const;
  /** The server's error prefix, e.g. `WRONGTYPE`. */
  readonly prefix: string;
  /** The command that got this reply, when known. */
  command?: string;
  /** The node (host:port) that sent the reply, when known. */
  node?: string;
  constructor(serverMessage: string) {
    super(serverMessage);
    const space = serverMessage.indexOf(' ');
    this.prefix = space === -1 ? serverMessage : serverMessage.slice(0, space);
  }
}

/** A socket could not be opened, or was lost. */
export class ConnectionError extends KeyslotError {
  readonly code = 'ERR_KEYSLOT_CONNECTION' as const;
  constructor(
    message: string,
    readonly node?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A command, or connecting, did not finish before its deadline. */
export class TimeoutError extends KeyslotError {
  readonly code = 'ERR_KEYSLOT_TIMEOUT' as const;
  constructor(
    message: string,
    readonly command?: string,
    readonly node?: string,
  ) {
    super(message);
  }
}

/** The connection was closed by the user; no further commands are accepted. */
export class ClosedError extends KeyslotError {
  readonly code = 'ERR_KEYSLOT_CLOSED' as const;
}

/** The server sent bytes that are not valid RESP. The connection is dropped and re-established. */
export class ProtocolError extends KeyslotError {
  readonly code = 'ERR_KEYSLOT_PROTOCOL' as const;
}

/**
 * A write was sent, but the connection was lost before its reply came: it may or may not have been applied.
 * keyslot does not re-send it unless the caller opted in to retrying writes.
 */
export class OutcomeUnknownError extends KeyslotError {
  readonly code = 'ERR_KEYSLOT_OUTCOME_UNKNOWN' as const;
  constructor(
    message: string,
    readonly command?: string,
    readonly node?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Options or a URL given to a constructor are invalid. Thrown at once, before any I/O. */
export class ConfigError extends KeyslotError {
  readonly code = 'ERR_KEYSLOT_CONFIG' as const;
}

/** A command argument has a type that cannot be sent. Thrown before anything is written. */
export class ArgumentError extends TypeError {
  readonly code = 'ERR_KEYSLOT_ARGUMENT' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentError';
  }
}

/** A multi-key command's keys live in more than one hash slot, and the command cannot be split. */
export class CrossSlotError extends KeyslotError {
  readonly code = 'ERR_KEYSLOT_CROSS_SLOT' as const;
  constructor(
    message: string,
    readonly slots: readonly number[],
  ) {
    super(message);
  }
}

/** Too many commands are waiting; new ones fail fast instead of growing memory. */
export class QueueFullError extends KeyslotError {
  readonly code = 'ERR_KEYSLOT_QUEUE_FULL' as const;
}

/** The cluster's topology could not be discovered, or a node could not be chosen for a command. */
export class ClusterError extends KeyslotError {
  readonly code = 'ERR_KEYSLOT_CLUSTER' as const;
}
