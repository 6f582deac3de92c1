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
  | 'ERR_KEYSLOT_CLUSTER'
  | 'ERR_KEYSLOT_USAGE';

/** Base class of every error keyslot produces. */
export abstract class KeyslotError extends Error {
  abstract readonly code: KeyslotErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * An error reply from the server. `prefix` is the first word of the reply (`ERR`, `WRONGTYPE`, `NOPERM`,
 * `MOVED`...), `message` is the server's text with whatever it echoed of the command's arguments replaced by
 * `[redacted]` (the client redacts them before the error is made): an argument may be a password or a customer's data.
 */
export class ReplyError extends KeyslotError {
  readonly code = 'ERR_KEYSLOT_REPLY' as const;
  /** The server's error prefix, e.g. `WRONGTYPE`. */
  readonly prefix: string;
  /** The command that got this reply, when known. */
  command?: string | undefined;
  /** The node (host:port) that sent the reply, when known. */
  node?: string | undefined;
  constructor(serverMessage: string) {
    super(redactEchoedArguments(serverMessage));
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

/** The API was used in a way that cannot work, e.g. a transaction or a batch executed twice. Nothing was sent. */
export class UsageError extends KeyslotError {
  readonly code = 'ERR_KEYSLOT_USAGE' as const;
}

/**
 * Quoted text in a server's error message that names the command, not one of its arguments: kept as written.
 * `wrong number of arguments for 'set' command`, `invalid expire time in 'set' command`, `has no permissions to run
 * the 'set' command`, `Can't execute 'get': only (P|S)SUBSCRIBE...`, `unknown command 'FOO', with args...`.
 */
const COMMAND_NAME_QUOTED =
  /(?:for|in|run the|[Cc]an\uE001t execute|[Cc]an not execute a (?:write )?command|unknown command) '[^'\r\n]{0,128}'(?= command|:|,|$| while)/g;

/** Quoted words of the servers' own, fixed messages (OOM, MASTERDOWN, ACL): no user input, kept as written. */
const FIXED_QUOTED = /> 'maxmemory'(?=\.)|is set to '(?:no|yes)'|[Tt]he 'default' user/g;

/** What the server echoes after an unknown command: every argument, each quoted ('' or ``), up to 128 bytes. */
const ECHOED_ARGS = /(with args beginning with:).*$/s;

/** An apostrophe inside a word (`can't`, `doesn't`): not a quote. */
const APOSTROPHE = /(?<=[A-Za-z])'(?=[a-z])/g;

/** A quoted span of the message: user input, as Redis and Valkey quote it ('%s'). */
const QUOTED = /'[^']*'/g;

/**
 * Replaces what a server's error message echoes of a command's arguments with `[redacted]`. Redis and Valkey quote
 * the user input they echo (`unknown command 'FOO', with args beginning with: 'secret'`, `Error in ACL SETUSER
 * modifier '>...'`, `No such key 'orders' or consumer group 'g'`, `Unknown option ... CONFIG SET - 'x'`): every
 * quoted span is redacted, except the command's own name in the few messages that name it. When the quotes do not
 * pair up (an argument holding a quote), everything from the first quote on is redacted. Text that a script or a
 * module writes itself (`redis.error_reply(...)`) is not an echo and is passed on as written.
 */
export function redactEchoedArguments(message: string): string {
  // Redis <= 6.0 quotes the arguments of an unknown command with backticks (`secret`): redacted all the same.
  const echoed = message.replace(ECHOED_ARGS, '$1 [redacted]');
  if (echoed.indexOf("'") === -1) return echoed;
  let text = echoed.replace(APOSTROPHE, '\uE001');
  const kept: string[] = [];
  const keep = (span: string) => `\uE000${kept.push(span) - 1}\uE000`;
  text = text.replace(COMMAND_NAME_QUOTED, keep).replace(FIXED_QUOTED, keep);
  if ((text.split("'").length - 1) % 2 === 1) text = `${text.slice(0, text.indexOf("'"))}[redacted]`;
  else text = text.replace(QUOTED, "'[redacted]'");
  return text
    .replace(/\uE000(\d+)\uE000/g, (_, index: string) => kept[Number(index)]!)
    .replaceAll('\uE001', "'");
}
