// Canary: NestJS injects by constructor parameter type, which only works if the test transform emits
// `design:paramtypes`. If this fails, every other test here fails for that reason, not for the module's.
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';

@Injectable()
class Clock {
  now(): number {
    return 42;
  }
}

@Injectable()
class Greeter {
  constructor(readonly clock: Clock) {}
}

@Module({ providers: [Clock, Greeter] })
class CanaryModule {}

describe('decorator metadata under Vitest', () => {
  it('emits constructor parameter types', () => {
    expect(Reflect.getMetadata('design:paramtypes', Greeter)).toEqual([Clock]);
  });

  it('lets Nest inject a service by class with no @Inject token', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [CanaryModule] }).compile();
    try {
      const greeter = moduleRef.get(Greeter);
      expect(greeter.clock).toBeInstanceOf(Clock);
      expect(greeter.clock).toBe(moduleRef.get(Clock));
      expect(greeter.clock.now()).toBe(42);
    } finally {
      await moduleRef.close();
    }
  });
});
