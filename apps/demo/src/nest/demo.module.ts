import { ClusterConnection, KeyslotModule } from '@keyslot/nestjs';
import { withKeyslotStorage } from '@keyslot/nestjs/throttler';
import { CacheModule } from '@nestjs/cache-manager';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { DEMO_CLIENT_NAME, DEMO_CONNECTION, type DemoOptions } from '../demo-options.js';
import { DemoTelemetry } from '../http/demo-telemetry.js';
import { linkCacheKeyv } from '../http/link-cache.js';
import {
  RATE_LIMIT_MAX,
  RATE_LIMIT_PREFIX,
  RATE_LIMIT_WINDOW_MS,
  rateLimitClient,
} from '../http/rate-limit.js';
import { DEMO_OPTIONS, DemoApiService } from './demo-api.service.js';
import { DemoExceptionFilter } from './demo-exception.filter.js';
import { DemoTelemetryModule } from './demo-telemetry.module.js';
import { LinksController } from './links.controller.js';

/**
 * The demo's NestJS application module: one global ClusterConnection from `@keyslot/nestjs`, which the throttler
 * (`@keyslot/nestjs/throttler`) and the link cache (`CacheModule` with `@keyslot/keyv`) share.
 */
@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: Nest identifies a module by its class; forRoot is the conventional API
export class DemoModule {
  static forRoot(options: DemoOptions): DynamicModule {
    return {
      module: DemoModule,
      imports: [
        DemoTelemetryModule,
        KeyslotModule.forRootAsync({
          imports: [DemoTelemetryModule],
          inject: [DemoTelemetry],
          useFactory: (telemetry: DemoTelemetry) => ({
            nodes: options.nodes,
            clientOptions: { clientName: options.clientName ?? DEMO_CLIENT_NAME },
            connection: options.connection ?? DEMO_CONNECTION,
            instrumentation: telemetry.instrumentation,
          }),
        }),
        ThrottlerModule.forRootAsync(
          withKeyslotStorage(
            {
              throttlers: [{ ttl: RATE_LIMIT_WINDOW_MS, limit: RATE_LIMIT_MAX }],
              getTracker: (request) => rateLimitClient(request as Parameters<typeof rateLimitClient>[0]),
              // Readable keys: ratelimit:{default:create:<client>}:hits
              generateKey: (context, tracker) => `${context.getHandler().name}:${tracker}`,
            },
            { prefix: RATE_LIMIT_PREFIX },
          ),
        ),
        CacheModule.registerAsync({
          inject: [ClusterConnection],
          useFactory: (redis: ClusterConnection) => ({ stores: [linkCacheKeyv(redis)] }),
        }),
      ],
      controllers: [LinksController],
      providers: [
        DemoApiService,
        { provide: DEMO_OPTIONS, useValue: options },
        { provide: APP_FILTER, useClass: DemoExceptionFilter },
      ],
    };
  }
}
