// The module provides one ClusterConnection, injectable by class or by decorator, from any feature module,
// whatever order the modules are declared and imported in.

import { ClusterConnection, InjectClusterConnection, KeyslotModule } from '@keyslot/nestjs';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedSeeds } from './support/shared-seeds.js';

// Feature modules come first and know nothing of KeyslotModule: it is global.
@Injectable()
class UsersService {
  constructor(readonly redis: ClusterConnection) {}

  async save(id: string, name: string): Promise<void> {
    await this.redis.set(`users:${process.pid}:${id}`, name);
  }
}

@Injectable()
class OrdersService {
  constructor(@InjectClusterConnection() readonly redis: ClusterConnection) {}

  readUser(id: string): Promise<string | null> {
    return this.redis.get(`users:${process.pid}:${id}`);
  }
}

@Injectable()
class AuditService {
  @InjectClusterConnection()
  readonly redis!: ClusterConnection;
}

@Module({ providers: [UsersService], exports: [UsersService] })
class UsersModule {}

@Module({ providers: [OrdersService, AuditService] })
class OrdersModule {}

describe('injection', () => {
  let moduleRef: Awaited<ReturnType<ReturnType<typeof Test.createTestingModule>['compile']>>;

  beforeAll(async () => {
    @Module({ imports: [UsersModule, OrdersModule, KeyslotModule.forRoot({ nodes: sharedSeeds() })] })
    class AppModule {}
    moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    await moduleRef.init();
  });

  afterAll(async () => {
    await moduleRef?.close();
  });

  it('gives the same connection to injection by class, by decorator and by property', () => {
    const byClass = moduleRef.get(UsersService).redis;
    expect(byClass).toBeInstanceOf(ClusterConnection);
    expect(moduleRef.get(OrdersService).redis).toBe(byClass);
    expect(moduleRef.get(AuditService).redis).toBe(byClass);
    expect(moduleRef.get(ClusterConnection)).toBe(byClass);
  });

  it('is connected when start-up finishes and runs commands across the cluster', async () => {
    const users = moduleRef.get(UsersService);
    const orders = moduleRef.get(OrdersService);
    expect(users.redis.topology().coveredSlots).toBe(16384);
    const ids = Array.from({ length: 30 }, (_, i) => `user-${i}`);
    await Promise.all(ids.map((id) => users.save(id, `name of ${id}`)));
    expect(await Promise.all(ids.map((id) => orders.readUser(id)))).toEqual(ids.map((id) => `name of ${id}`));
  });
});
