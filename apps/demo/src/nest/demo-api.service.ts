import { ClusterConnection } from '@keyslot/nestjs';
import { Injectable } from '@nestjs/common';
import { DemoApi } from '../http/demo-api.js';

/** The demo API as a NestJS service: it receives the one shared ClusterConnection by injection, by its class. */
@Injectable()
export class DemoApiService extends DemoApi {
  constructor(redis: ClusterConnection) {
    super(redis);
  }
}
