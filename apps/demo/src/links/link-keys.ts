/**
 * Key layout. A link's URL and its click counter share the hash tag `{code}`, so they live in one slot and can be
 * written in one MULTI; different links spread over the whole cluster.
 */
export const linkKey = (code: string): string => `link:{${code}}:url`;
export const clicksKey = (code: string): string => `link:{${code}}:clicks`;
export const createdKey = (code: string): string => `link:{${code}}:created`;
/** One sorted set of click counts for the leaderboard. */
export const LEADERBOARD_KEY = 'links:leaderboard';
/** Per-client rate limit windows. */
export const rateKey = (client: string): string => `ratelimit:{${client}}`;
