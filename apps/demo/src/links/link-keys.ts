/**
 * Key layout. A link's URL and its click counter share the hash tag `{code}`, so they live in one slot and can be
 * written in one MULTI; different links spread over the whole cluster.
 */
export const linkKey = (code: string): string => `link:{${code}}:url`;
export const clicksKey = (code: string): string => `link:{${code}}:clicks`;
export const createdKey = (code: string): string => `link:{${code}}:created`;
/** One sorted set of click counts for the leaderboard. */
export const LEADERBOARD_KEY = 'links:leaderboard';
/**
 * A link's entry in the link cache (the cache's namespace goes before it): the same hash tag as the link, so the
 * cache entry lives on the link's own shard.
 */
export const infoCacheKey = (code: string): string => `link:{${code}}:info`;
