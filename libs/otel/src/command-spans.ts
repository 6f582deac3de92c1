import diagnosticsChannel from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import type { CommandTraceContext } from '@keyslot/client';
import {
  type Attributes,
  context,
  type Histogram,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { ATTR, DB_SYSTEM } from './attributes.js';

/** What a command trace needs: where spans and durations go, and whether to trace commands without a parent span. */
export interface CommandSink {
  tracer(): Tracer;
  duration(): Histogram;
  readonly requireParentSpan: boolean;
}

/** A command's span (if traced) and start time, from `start` until it settles. */
export interface InFlight {
  span: Span | undefined;
  startedAt: number;
}

/**
 * The commands started and not settled yet. Owned by the instrumentation and handed to each `CommandSpans` it
 * makes, so a command in flight while it is made again (new providers, new options) is still finished.
 */
export type CommandsInFlight = WeakMap<CommandTraceContext, InFlight>;

/**
 * Turns `keyslot:command` traces into a CLIENT span each (a child of the context active where the command was
 * called, so a span around `await conn.get()` is its parent) and a `db.client.operation.duration` measurement.
 * The span starts on `start`, in the caller's context; it ends on `asyncEnd`, when the node that answered is known.
 */
export class CommandSpans {
  private readonly channel = diagnosticsChannel.tracingChannel<CommandTraceContext, CommandTraceContext>(
    'keyslot:command',
  );
  private readonly handlers = {
    start: (message: CommandTraceContext) => this.start(message),
    end: (message: CommandTraceContext) => {
      // A command that threw before returning its promise has no asyncEnd: finish it now.
      if (message.error !== undefined && this.inFlight.has(message)) this.finish(message);
    },
    asyncStart: () => {},
    asyncEnd: (message: CommandTraceContext) => this.finish(message),
    error: () => {},
  };

  constructor(
    private readonly sink: CommandSink,
    private readonly inFlight: CommandsInFlight,
  ) {}

  subscribe(): void {
    this.channel.subscribe(this.handlers);
  }

  unsubscribe(): void {
    this.channel.unsubscribe(this.handlers);
  }

  private start(message: CommandTraceContext): void {
    const parent = context.active();
    const traced = !this.sink.requireParentSpan || trace.getSpan(parent) !== undefined;
    const span = traced
      ? this.sink
          .tracer()
          .startSpan(
            message.command,
            { kind: SpanKind.CLIENT, attributes: requestAttributes(message) },
            parent,
          )
      : undefined;
    this.inFlight.set(message, { span, startedAt: performance.now() });
  }

  private finish(message: CommandTraceContext): void {
    const entry = this.inFlight.get(message);
    if (entry === undefined) return;
    this.inFlight.delete(message);
    const outcome = outcomeAttributes(message);
    const span = entry.span;
    if (span !== undefined) {
      span.setAttributes(outcome);
      if (message.error !== undefined) {
        const error = message.error;
        if (error instanceof Error) span.recordException(error);
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
      }
      span.end();
    }
    this.sink.duration().record((performance.now() - entry.startedAt) / 1000, {
      [ATTR.dbSystemName]: DB_SYSTEM,
      [ATTR.dbOperationName]: message.command,
      [ATTR.dbNamespace]: String(message.database),
      ...outcome,
    });
  }
}

/** What is known when the command starts. */
function requestAttributes(message: CommandTraceContext): Attributes {
  const attributes: Attributes = {
    [ATTR.dbSystemName]: DB_SYSTEM,
    [ATTR.dbOperationName]: message.command,
    [ATTR.dbNamespace]: String(message.database),
  };
  if (message.statement !== undefined) attributes[ATTR.dbQueryText] = message.statement;
  if (message.batchSize !== undefined) attributes[ATTR.dbBatchSize] = message.batchSize;
  return attributes;
}

/** What is known once it settles: the node that answered, and the failure if any. */
function outcomeAttributes(message: CommandTraceContext): Attributes {
  const attributes: Attributes = {};
  if (message.serverAddress !== undefined) attributes[ATTR.serverAddress] = message.serverAddress;
  if (message.serverPort !== undefined) attributes[ATTR.serverPort] = message.serverPort;
  if (message.error !== undefined) {
    attributes[ATTR.errorType] = message.statusCode ?? errorName(message.error);
    if (message.statusCode !== undefined) attributes[ATTR.dbResponseStatusCode] = message.statusCode;
  }
  return attributes;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '_OTHER';
}
