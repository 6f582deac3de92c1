import { type DynamicModule, Module } from '@nestjs/common';
import { KeyslotModule } from '@keyslot/nestjs';
import { DEMO_CONNECTION, type DemoOptions } from '../demo-options.js';
import { DemoApiService } from './demo-api.service.js';
import { LinksController } from './links.controller.js';

/** The demo's NestJS application module: one global ClusterConnection from `@keyslot/nestjs`. */
@Module({})
export class DemoModule {
  static forRoot(options: DemoOptions): DynamicModule {
    return {
      module: DemoModule,
      imports: [KeyslotModule.forRoot({ nodes: options.nodes, connection: options.connection ?? DEMO_CONNECTION })],
      controllers: [LinksController],
      providers: [DemoApiService],
    };
  }
}
