import { randomBytes } from 'node:crypto';
import { type ClusterConnection, defineScript } from '@keyslot/client';
import { clicksKey, createdKey, LEADERBOARD_KEY, linkKey, rateKey } from './link-keys.js';

/** A stored link. */
export interface Link {
  code: string;
  url: string;
  clicks: number;
  createdAt: string | null;
}

/** A fixed-window rate limit, counted atomically on the node that owns the client's key. */
const RATE_LIMIT = defineScript(
  `local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { count, redis.call('PTTL', KEYS[1]) }`,
  { numberOfKeys: 1 },
);

/** Requests allowed per client and window. */
export const RATE_LIMIT_MAX = 20;
export const RATE_LIMIT_WINDOW_MS = 10_000;

/** The link shortener, written once against the shared ClusterConnection and served by both HTTP apps. */
export class LinkService {
  constructor(private readonly redis: ClusterConnection) {}

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

  /** A link's details, without counting a click. */
  async get(code: string): Promise<Link | null> {
    const [url, clicks, createdAt] = await this.redis.mget(linkKey(code), clicksKey(code), createdKey(code));
    if (url === null || url === undefined) return null;
    return { code, url, clicks: Number(clicks ?? 0), createdAt: createdAt ?? null };
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

  /** Counts one request of a client; `allowed` is false past the limit. */
  async rateLimit(client: string): Promise<{ allowed: boolean; remaining: number; resetMs: number }> {
    const [count, ttl] = (await this.redis.runScript(
      RATE_LIMIT,
      [rateKey(client)],
      [RATE_LIMIT_WINDOW_MS],
    )) as [number, number];
    return {
      allowed: count <= RATE_LIMIT_MAX,
      remaining: Math.max(0, RATE_LIMIT_MAX - count),
      resetMs: Math.max(0, ttl),
    };
  }
}
