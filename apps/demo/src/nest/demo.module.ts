import { KeyslotModule } from '@keyslot/nestjs';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DEMO_CONNECTION, type DemoOptions } from '../demo-options.js';
import { DemoApiService } from './demo-api.service.js';
import { DemoExceptionFilter } from './demo-exception.filter.js';
import { LinksController } from './links.controller.js';

/** The demo's NestJS application module: one global ClusterConnection from `@keyslot/nestjs`. */
@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: Nest identifies a module by its class; forRoot is the conventional API
export class DemoModule {
  static forRoot(options: DemoOptions): DynamicModule {
    return {
      module: DemoModule,
      imports: [
        KeyslotModule.forRoot({ nodes: options.nodes, connection: options.connection ?? DEMO_CONNECTION }),
      ],
      controllers: [LinksController],
      providers: [DemoApiService, { provide: APP_FILTER, useClass: DemoExceptionFilter }],
    };
  }
}
