import { ClusterConnection } from '@keyslot/nestjs';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import type { DemoOptions } from '../demo-options.js';
import { DemoApi } from '../http/demo-api.js';
import { DemoTelemetry } from '../http/demo-telemetry.js';

/** The token of the options the demo module was built with. */
export const DEMO_OPTIONS = Symbol('DEMO_OPTIONS');

/**
 * The demo API as a NestJS service: it receives the one shared ClusterConnection by injection, by its class, the
 * link cache from `CacheModule`, and the demo's telemetry (closed at shutdown).
 */
@Injectable()
export class DemoApiService extends DemoApi implements OnApplicationShutdown {
  constructor(
    redis: ClusterConnection,
    @Inject(CACHE_MANAGER) cache: Cache,
    @Inject(DEMO_OPTIONS) options: DemoOptions,
    private readonly demoTelemetry: DemoTelemetry,
  ) {
    super(redis, { cache, adminPassword: options.adminPassword, telemetry: demoTelemetry });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.demoTelemetry.close();
  }
}
