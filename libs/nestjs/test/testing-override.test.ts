// The documented way to test an application without Redis: override the ClusterConnection provider with a fake.
// Plain @nestjs/testing and a plain object; nothing here depends on the test runner.
import { ClusterConnection, InjectClusterConnection, KeyslotModule } from '@keyslot/nestjs';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SilentServer, startSilentServer } from './support/network.js';

@Injectable()
class GreetingService {
  constructor(private readonly redis: ClusterConnection) {}

  async greet(user: string): Promise<string> {
    return `hello ${(await this.redis.get(`names:${user}`)) ?? 'stranger'}`;
  }
}

@Injectable()
class GreetingWriter {
  constructor(@InjectClusterConnection() private readonly redis: ClusterConnection) {}

  async rename(user: string, name: string): Promise<void> {
    await this.redis.set(`names:${user}`, name);
  }
}

/** A fake with only what the code under test calls: a Map behind get/set. */
function fakeConnection() {
  const data = new Map<string, string>();
  const calls: string[] = [];
  const fake = {
    async get(key: string) {
      calls.push('get');
      return data.get(key) ?? null;
    },
    async set(key: string, value: string) {
      calls.push('set');
      data.set(key, value);
      return 'OK' as const;
    },
    async close() {
      calls.push('close');
    },
  };
  return { fake, calls };
}

describe('overriding the connection in tests', () => {
  let tripwire: SilentServer;

  beforeEach(async () => {
    // The application's seed: a server that counts connections and would hang any real handshake.
    tripwire = await startSilentServer();
  });

  afterEach(async () => {
    await tripwire.close();
  });

  it('replaces both ways of injecting, and opens no socket', async () => {
    @Module({
      imports: [
        KeyslotModule.forRoot({
          nodes: [`127.0.0.1:${tripwire.port}`],
          connection: { connectTimeoutMs: 1000 },
        }),
      ],
      providers: [GreetingService, GreetingWriter],
    })
    class AppModule {}

    const { fake, calls } = fakeConnection();
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(ClusterConnection)
      .useValue(fake)
      .compile();
    await moduleRef.init();

    expect(moduleRef.get(ClusterConnection)).toBe(fake);
    await moduleRef.get(GreetingWriter).rename('u1', 'Ada');
    expect(await moduleRef.get(GreetingService).greet('u1')).toBe('hello Ada');

    await moduleRef.close();
    // The module closes only what it opened: the test's fake is the test's to manage.
    expect(calls).toEqual(['set', 'get']);
    expect(tripwire.accepted).toBe(0);
  });

  it('works the same with forRootAsync', async () => {
    const { fake } = fakeConnection();
    const moduleRef = await Test.createTestingModule({
      imports: [
        KeyslotModule.forRootAsync({
          useFactory: () => ({ nodes: [`127.0.0.1:${tripwire.port}`] }),
        }),
      ],
      providers: [GreetingService],
    })
      .overrideProvider(ClusterConnection)
      .useValue(fake)
      .compile();
    await moduleRef.init();
    expect(await moduleRef.get(GreetingService).greet('nobody')).toBe('hello stranger');
    await moduleRef.close();
    expect(tripwire.accepted).toBe(0);
  });
});
