import { ArgumentError, ConfigError, type ScriptRunner } from '@keyslot/client';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { THROTTLE_SCRIPT } from './throttle-script.js';
import { DEFAULT_THROTTLER_PREFIX, throttlerKeys } from './throttler-keys.js';

/** Options of {@link KeyslotThrottlerStorage}. */
export interface KeyslotThrottlerStorageOptions {
  /** Put before every key (outside the hash tag); no `{` or `}`. Default `'throttler:'`. */
  prefix?: string | undefined;
}

/**
 * A `ThrottlerStorage` for `@nestjs/throttler` 6 on the application's shared connection (a `ClusterConnection`,
 * or any connection with `runScript`). Each `increment` is one script call (EVALSHA, or EVAL the first time a
 * node sees the script) on the primary that owns the throttler key: a fixed window counted there, with the block
 * decided in the same step, so concurrent requests of one tracker on any number of application instances never
 * race. Wire it with `withKeyslotStorage`.
 */
export class KeyslotThrottlerStorage implements ThrottlerStorage {
  private readonly prefix: string;

  constructor(
    private readonly redis: ScriptRunner,
    options: KeyslotThrottlerStorageOptions = {},
  ) {
    const prefix = options.prefix ?? DEFAULT_THROTTLER_PREFIX;
    if (typeof prefix !== 'string' || /[{}]/.test(prefix)) {
      throw new ConfigError(
        'KeyslotThrottlerStorage: prefix must be a string without { or } (the storage puts the hash tag after it)',
      );
    }
    this.prefix = prefix;
  }

  /**
   * Counts one request of `key` under the named throttler: `ttl` and `blockDuration` in milliseconds, as the guard
   * passes them; `timeToExpire` and `timeToBlockExpire` come back in seconds, rounded up, as the guard expects.
   * Its type is written as `ThrottlerStorage` declares it: the package does not export the record's type by name.
   */
  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): ReturnType<ThrottlerStorage['increment']> {
    checkArguments(key, ttl, limit, blockDuration, throttlerName);
    const keys = throttlerKeys(key, throttlerName, this.prefix);
    const reply = (await this.redis.runScript(
      THROTTLE_SCRIPT,
      [keys.hits, keys.blocked],
      [Math.ceil(ttl), limit, Math.ceil(blockDuration)],
    )) as [number, number, number, number];
    return {
      totalHits: reply[0],
      timeToExpire: Math.ceil(reply[1] / 1000),
      isBlocked: reply[2] === 1,
      timeToBlockExpire: Math.ceil(reply[3] / 1000),
    };
  }
}

function checkArguments(key: string, ttl: number, limit: number, blockDuration: number, name: string): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new ArgumentError('KeyslotThrottlerStorage: the throttler key must be a non-empty string');
  }
  if (typeof name !== 'string' || /[{}]/.test(name)) {
    throw new ArgumentError(
      `KeyslotThrottlerStorage: throttler names must not contain { or } (they go inside the keys' hash tag), got ${JSON.stringify(name)}`,
    );
  }
  if (!Number.isFinite(ttl) || ttl <= 0) {
    throw new ArgumentError(
      `KeyslotThrottlerStorage: ttl must be a positive number of milliseconds, got ${ttl}`,
    );
  }
  if (!Number.isFinite(limit) || limit < 0) {
    throw new ArgumentError(`KeyslotThrottlerStorage: limit must be a number of requests >= 0, got ${limit}`);
  }
  if (!Number.isFinite(blockDuration)) {
    throw new ArgumentError(
      `KeyslotThrottlerStorage: blockDuration must be a number of milliseconds, got ${blockDuration}`,
    );
  }
}
