import { EventEmitter } from 'node:events';
import { ArgumentError, type ClusterConnection, ConfigError } from '@keyslot/client';
import type { KeyvStoreAdapter, StoredData } from 'keyv';
import { startsWithPattern } from './match-pattern.js';

/** What the store needs of the connection: typed reads and writes, and the cluster-wide SCAN iterator. */
export type KeyvConnection = Pick<
  ClusterConnection,
  'get' | 'mget' | 'set' | 'unlink' | 'exists' | 'scanIterator'
>;

/** Options of {@link KeyslotKeyvStore}. */
export interface KeyslotKeyvStoreOptions {
  /**
   * Put before every key Keyv hands over (those already start with `<namespace>:`, `keyv:` by default). Default
   * `''`. `clear()` deletes the keys that start with `<prefix><namespace>:`.
   */
  prefix?: string | undefined;
  /** Keys unlinked at once (one UNLINK each) while `clear()` runs. Default 500. */
  clearBatchSize?: number | undefined;
}

/**
 * A Keyv 5 store (`KeyvStoreAdapter`) on the application's shared `ClusterConnection`, so that Keyv, `cache-manager`
 * 7 and `@nestjs/cache-manager` open no connection of their own.
 *
 * ```ts
 * const cache = new Keyv({ store: new KeyslotKeyvStore(redis), namespace: 'users' });
 * await cache.set('42', { name: 'Ada' }, 60_000);
 * ```
 *
 * Each value is one string key (`SET ... PX ttl`), read with the connection's ordinary typed commands (GET, MGET,
 * EXISTS), so a connection that caches reads on the client serves them too. `getMany` and `deleteMany` are split per
 * slot by the connection. `clear()` walks the whole cluster with the SCAN iterator and unlinks only this namespace's
 * keys; it never flushes a database. The store never closes the connection: whoever opened it does.
 */
export class KeyslotKeyvStore extends EventEmitter implements KeyvStoreAdapter {
  /** What Keyv reads of the store's options. */
  readonly opts: { dialect: 'keyslot'; prefix: string };
  /** Set by Keyv to its own namespace; scopes `clear()`. */
  namespace?: string | undefined;
  private readonly prefix: string;
  private readonly clearBatchSize: number;

  constructor(
    private readonly redis: KeyvConnection,
    options: KeyslotKeyvStoreOptions = {},
  ) {
    super();
    const prefix = options.prefix ?? '';
    const clearBatchSize = options.clearBatchSize ?? 500;
    if (typeof prefix !== 'string') throw new ConfigError('KeyslotKeyvStore: prefix must be a string');
    if (!Number.isInteger(clearBatchSize) || clearBatchSize < 1) {
      throw new ConfigError(
        `KeyslotKeyvStore: clearBatchSize must be a whole number >= 1, got ${clearBatchSize}`,
      );
    }
    this.prefix = prefix;
    this.clearBatchSize = clearBatchSize;
    this.opts = { dialect: 'keyslot', prefix };
  }

  /** The stored (serialized) value, or undefined when there is none. */
  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    const value = await this.redis.get(this.prefix + key);
    return (value ?? undefined) as StoredData<Value> | undefined;
  }

  /** The stored values in key order (undefined for missing keys); one MGET, split per slot by the connection. */
  async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    if (keys.length === 0) return [];
    const values = await this.redis.mget(keys.map((key) => this.prefix + key));
    return values.map((value) => (value ?? undefined) as StoredData<Value | undefined>);
  }

  /**
   * Stores a serialized value; with a positive `ttl` (ms) the server expires it. A negative `ttl` means the value has
   * already expired: the key is deleted rather than kept forever (Keyv would only hide it when read).
   */
  async set(key: string, value: unknown, ttl?: number): Promise<boolean> {
    if (typeof value !== 'string') {
      throw new ArgumentError(
        `KeyslotKeyvStore stores strings, got ${typeof value}: keep Keyv's serialize option (JSON by default) on`,
      );
    }
    const full = this.prefix + key;
    if (typeof ttl === 'number' && ttl < 0) {
      await this.redis.unlink(full);
    } else if (typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0) {
      await this.redis.set(full, value, { px: Math.ceil(ttl) });
    } else {
      await this.redis.set(full, value);
    }
    return true;
  }

  /** Stores many values; the SETs are written together (one write per node). */
  async setMany(entries: Array<{ key: string; value: unknown; ttl?: number }>): Promise<void> {
    await Promise.all(entries.map((entry) => this.set(entry.key, entry.value, entry.ttl)));
  }

  /** True when the key existed. */
  async delete(key: string): Promise<boolean> {
    return (await this.redis.unlink(this.prefix + key)) > 0;
  }

  /** True when any of the keys existed; one UNLINK, split per slot by the connection. */
  async deleteMany(keys: string[]): Promise<boolean> {
    if (keys.length === 0) return false;
    return (await this.redis.unlink(keys.map((key) => this.prefix + key))) > 0;
  }

  /** Whether the key exists (the server drops expired keys itself). */
  async has(key: string): Promise<boolean> {
    return (await this.redis.exists(this.prefix + key)) === 1;
  }

  /** For each key, in order, whether it exists. */
  hasMany(keys: string[]): Promise<boolean[]> {
    return Promise.all(keys.map((key) => this.has(key)));
  }

  /**
   * Deletes every key of this store's namespace (`<prefix><namespace>:...`) on every primary of the cluster, found
   * with the SCAN iterator and unlinked in batches, one UNLINK per key (so a slot being migrated does not stop it).
   * Keys written while it runs may survive it. Rejects with a `ConfigError`, deleting nothing, when there is neither
   * a namespace nor a prefix to scope it to.
   */
  async clear(): Promise<void> {
    const scope = this.prefix + (this.namespace ? `${this.namespace}:` : '');
    if (scope === '') {
      throw new ConfigError(
        'KeyslotKeyvStore: clear() needs a namespace (Keyv namespace option) or a store prefix, so that it deletes ' +
          "only this store's keys and not every key of the cluster",
      );
    }
    let batch: string[] = [];
    for await (const key of this.redis.scanIterator({ match: startsWithPattern(scope) })) {
      batch.push(key);
      if (batch.length >= this.clearBatchSize) {
        await unlinkEach(this.redis, batch);
        batch = [];
      }
    }
    if (batch.length > 0) await unlinkEach(this.redis, batch);
  }
}

/**
 * One UNLINK per key, all written at once. A multi-key UNLINK of a slot being migrated, whose keys are partly on
 * each primary, gets TRYAGAIN until the migration ends (never, if it stopped half-way); a single key follows the
 * migration's ASK redirection. Keys found by SCAN rarely share a slot, so this sends about as many commands.
 */
async function unlinkEach(redis: KeyvConnection, keys: string[]): Promise<void> {
  await Promise.all(keys.map((key) => redis.unlink(key)));
}
