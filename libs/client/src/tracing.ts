import diagnosticsChannel from 'node:diagnostics_channel';
import type { RedisArg } from './command.js';
import { ReplyError } from './errors.js';
import { redactedStatement } from './redacted-statement.js';
import { splitAddress } from './util/address.js';

/**
 * What a `keyslot:command` trace carries, shaped after OpenTelemetry's database semantic conventions. Never the
 * command's arguments, unless the connection was created with `traceCommandText: true`, and then redacted.
 */
export interface CommandTraceContext {
  /** The operation name (`db.operation.name`): `GET`, `SET`...; `MULTI` for a transaction, `PIPELINE` for a batch. */
  command: string;
  /** `host:port` of the node that answered, when known (after redirects). */
  node?: string | undefined;
  /** The answering node's host (`server.address`), when known. */
  serverAddress?: string | undefined;
  /** The answering node's port (`server.port`), when known. */
  serverPort?: number | undefined;
  /** The logical database index (`db.namespace`): 0 on a cluster. */
  database: number;
  /** Commands in a transaction or a batch (`db.operation.batch.size`); absent for one command. */
  batchSize?: number | undefined;
  /**
   * The command text (`db.query.text`), only with `traceCommandText: true`: the name and the arguments that name
   * keys or structure, the others replaced by a count, as `@opentelemetry/redis-common` does.
   */
  statement?: string | undefined;
  /** The reply error or failure, on the `error` event. */
  error?: unknown | undefined;
  /** The reply error's prefix (`db.response.status_code`): `WRONGTYPE`, `MOVED`, `ERR`...; set with `error`. */
  statusCode?: string | undefined;
}

/**
 * The tracing channel every command goes through, for OpenTelemetry and other instrumentation:
 * `diagnostics_channel.tracingChannel('keyslot:command')` with start, end, asyncStart, asyncEnd and error events.
 * When nobody subscribes it costs one property read per command: no payload is built.
 */
export const commandTracing = diagnosticsChannel.tracingChannel<CommandTraceContext, CommandTraceContext>(
  'keyslot:command',
);

/** Builds a command's trace payload (only called when someone subscribes). */
export function commandTrace(
  name: string,
  args: readonly RedisArg[] | undefined,
  database: number,
  withText: boolean,
): CommandTraceContext {
  const context: CommandTraceContext = { command: name, database };
  if (withText) context.statement = redactedStatement(name, args ?? []);
  return context;
}

/** Records the node that answered: `host:port`, split into the semantic conventions' address and port. */
export function traceNode(context: CommandTraceContext, address: string): void {
  if (address === '') return;
  const { host, port } = splitAddress(address);
  context.node = address;
  context.serverAddress = host;
  context.serverPort = port;
}

/** Runs `send` inside the command's trace; a reply error's prefix becomes the status code. */
export function traceCommand<T>(context: CommandTraceContext, send: () => Promise<T>): Promise<T> {
  return commandTracing.tracePromise(
    () =>
      send().catch((error: unknown) => {
        // Set before the channel publishes `error`, so every subscriber sees it.
        if (error instanceof ReplyError) context.statusCode = error.prefix;
        throw error;
      }),
    context,
  );
}
