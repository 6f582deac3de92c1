// DemoModule.forRoot only describes the application: the telemetry (a subscription to keyslot's tracing channel, a
// MeterProvider) is built by Nest with the other providers, so a definition that is never bootstrapped leaks none.
import diagnosticsChannel from 'node:diagnostics_channel';
import { expect, it } from 'vitest';
import { DemoModule } from '../src/nest/demo.module.js';

it('DemoModule.forRoot builds no telemetry: nothing subscribes to the keyslot:command channel', () => {
  const start = diagnosticsChannel.channel('tracing:keyslot:command:start');
  expect(start.hasSubscribers).toBe(false);
  const definition = DemoModule.forRoot({ nodes: ['127.0.0.1:1'] });
  expect(definition.module).toBe(DemoModule);
  expect(start.hasSubscribers).toBe(false);
});
