import { randomBytes } from 'node:crypto';
import type { ClusterConnection } from '@keyslot/client';
import { clicksKey, createdKey, infoCacheKey, LEADERBOARD_KEY, linkKey } from './link-keys.js';

/** A stored link. */
export interface Link {
  code: string;
  url: string;
  clicks: number;
  createdAt: string | null;
}

/** What a link cache must do: `cache-manager`'s `Cache` (from `CacheModule` or `createCache`) fits. */
export interface LinkCache {
  get<T>(key: string): Promise<T | undefined | null>;
  set<T>(key: string, value: T, ttl?: number): Promise<T>;
}

/** How long a link's URL and creation time stay cached: they never change once the link exists. */
export const INFO_CACHE_TTL_MS = 10 * 60_000;

/** What the cache keeps of a link. */
interface CachedInfo {
  url: string;
  createdAt: string | null;
}

/** The link shortener, written once against the shared ClusterConnection and served by both HTTP apps. */
export class LinkService {
  constructor(
    private readonly redis: ClusterConnection,
    private readonly cache?: LinkCache,
  ) {}

  /**
   * Creates a link. WATCH + MULTI on the link's own slot (its keys share the `{code}` hash tag), so that two
   * requests for the same code cannot both win. Returns null when the wanted code is taken; a made-up code that
   * happens to be taken is made up again.
   */
  async create(url: string, wanted?: string): Promise<Link | null> {
    if (wanted !== undefined) return this.createWithCode(url, wanted);
    for (let attempt = 0; attempt < 5; attempt++) {
      const link = await this.createWithCode(url, randomBytes(5).toString('base64url'));
      if (link !== null) return link;
    }
    throw new Error('could not find a free link code in 5 attempts');
  }

  private async createWithCode(url: string, code: string): Promise<Link | null> {
    const createdAt = new Date().toISOString();
    const result = await this.redis.watch([linkKey(code)], async (tx) => {
      if ((await tx.get(linkKey(code))) !== null) return null;
      const multi = tx.multi();
      multi.set(linkKey(code), url);
      multi.set(createdKey(code), createdAt);
      multi.set(clicksKey(code), 0);
      return multi.exec();
    });
    return result === null ? null : { code, url, clicks: 0, createdAt };
  }

  /** Resolves a code and counts the click (counter and leaderboard). Null when unknown. */
  async resolve(code: string): Promise<string | null> {
    const url = await this.redis.get(linkKey(code));
    if (url === null) return null;
    await Promise.all([this.redis.incr(clicksKey(code)), this.redis.zincrby(LEADERBOARD_KEY, 1, code)]);
    return url;
  }

  /**
   * A link's details, without counting a click. With a cache, the URL and creation time (which never change) come
   * from it, read together with the live click count; on a miss they are read and cached.
   */
  async get(code: string): Promise<Link | null> {
    if (this.cache === undefined) {
      const [url, clicks, createdAt] = await this.redis.mget(
        linkKey(code),
        clicksKey(code),
        createdKey(code),
      );
      if (url === null || url === undefined) return null;
      return { code, url, clicks: Number(clicks ?? 0), createdAt: createdAt ?? null };
    }
    const [cached, clicks] = await Promise.all([
      this.cache.get<CachedInfo>(infoCacheKey(code)),
      this.redis.get(clicksKey(code)),
    ]);
    const info = cached ?? (await this.readInfo(code));
    return info === null ? null : { code, ...info, clicks: Number(clicks ?? 0) };
  }

  /** The unchanging part of a link from its own keys, cached for the next reader; null when there is no link. */
  private async readInfo(code: string): Promise<CachedInfo | null> {
    const [url, createdAt] = await this.redis.mget(linkKey(code), createdKey(code));
    if (url === null || url === undefined) return null;
    const info = { url, createdAt: createdAt ?? null };
    await this.cache!.set(infoCacheKey(code), info, INFO_CACHE_TTL_MS);
    return info;
  }

  /** Many links at once: one MGET whose keys span slots, split per slot by the client and merged in order. */
  async lookup(codes: readonly string[]): Promise<Record<string, string | null>> {
    const urls = await this.redis.mget(codes.map(linkKey));
    return Object.fromEntries(codes.map((code, index) => [code, urls[index] ?? null]));
  }

  /** The most clicked links. */
  async top(limit: number): Promise<{ code: string; clicks: number }[]> {
    const entries = await this.redis.zrangeWithScores(LEADERBOARD_KEY, 0, limit - 1, { rev: true });
    return entries.map((entry) => ({ code: entry.value, clicks: entry.score }));
  }
}
