/** What a command is made of, from the typed method down to the connection queue. */

/** A value that can be sent as a command argument. Anything else is rejected before sending. */
export type RedisArg = string | Buffer | number | bigint;

/** A key: text or bytes. */
export type RedisKey = string | Buffer;

/**
 * One command on its way to a server. Typed methods build it; connections and the cluster router carry it.
 * `name` is the command name as written to the wire (upper case, e.g. `GET`, or `CLIENT` for `CLIENT SETNAME`);
 * `args` are the arguments after the name.
 */
export interface Command<T = unknown> {
  readonly name: string;
  readonly args: readonly RedisArg[];
  /** Return bulk strings as Buffers rather than UTF-8 strings. */
  readonly returnBuffers?: boolean | undefined;
  /** Turns the decoded reply into the caller's value. Absent means the decoded reply as is. */
  readonly transform?: (reply: unknown) => T;
}

/** Anything that can run a command: a connection, a connection manager, a cluster connection. */
export interface CommandExecutor {
  sendCommand<T>(command: Command<T>): Promise<T>;
}
