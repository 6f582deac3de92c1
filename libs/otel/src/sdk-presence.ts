import {
  createNoopMeter,
  type MeterProvider,
  ProxyTracerProvider,
  type TracerProvider,
} from '@opentelemetry/api';

/** The API's no-op tracer provider: what a global proxy delegates to until an SDK registers one. */
const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();
const NOOP_METER = createNoopMeter();

/**
 * Whether spans or metrics made through these providers would go anywhere: false when both are the API's no-ops
 * (no OpenTelemetry SDK set up), so the instrumentation can stay off keyslot's command channel and cost nothing.
 */
export function sdkPresent(
  tracerProvider: TracerProvider,
  meterProvider: MeterProvider,
  scope: string,
): boolean {
  const noTracer =
    tracerProvider instanceof ProxyTracerProvider
      ? tracerProvider.getDelegate() === NOOP_TRACER_PROVIDER
      : tracerProvider === NOOP_TRACER_PROVIDER;
  return !noTracer || meterProvider.getMeter(scope) !== NOOP_METER;
}
