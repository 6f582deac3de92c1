/**
 * @keyslot/otel: OpenTelemetry traces and metrics for keyslot, made from the client's `diagnostics_channel`
 * channels. `@opentelemetry/api` is its only peer.
 *
 * @packageDocumentation
 * @module @keyslot/otel
 */
export { KeyslotInstrumentation, type KeyslotInstrumentationConfig } from './keyslot-instrumentation.js';
