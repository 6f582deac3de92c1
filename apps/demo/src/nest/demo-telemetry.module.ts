import { Module } from '@nestjs/common';
import { DemoTelemetry } from '../http/demo-telemetry.js';

/**
 * Provides the demo's telemetry. Built by Nest when it instantiates the application, not when `DemoModule.forRoot`
 * is called: a module definition that is never bootstrapped holds no channel subscription and no MeterProvider.
 * (`DemoApiService` closes it at shutdown.)
 */
@Module({
  providers: [{ provide: DemoTelemetry, useFactory: () => new DemoTelemetry() }],
  exports: [DemoTelemetry],
})
export class DemoTelemetryModule {}
