import diagnosticsChannel from 'node:diagnostics_channel';

/**
 * What a `keyslot:command` trace carries: the command's name and, once routed, the node. Never its arguments, which
 * may hold secrets or personal data.
 */
export interface CommandTraceContext {
  command: string;
  /** `host:port` of the node that answered, when known. */
  node?: string;
  /** The reply error or failure, on the `error` event. */
  error?: unknown;
}

/**
 * The tracing channel every command goes through, for OpenTelemetry and other instrumentation:
 * `diagnostics_channel.tracingChannel('keyslot:command')` with start, end, asyncStart, asyncEnd and error events.
 * When nobody subscribes it costs one property read per command.
 */
export const commandTracing = diagnosticsChannel.tracingChannel<CommandTraceContext, CommandTraceContext>(
  'keyslot:command',
);

/** Runs `send` inside the command's trace. */
export function traceCommand<T>(context: CommandTraceContext, send: () => Promise<T>): Promise<T> {
  return commandTracing.tracePromise(send, context);
}
