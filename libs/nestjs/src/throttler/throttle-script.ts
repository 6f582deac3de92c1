import { defineScript } from '@keyslot/client';

/**
 * One request of one tracker against one named throttler, decided atomically on the primary that owns both keys
 * (they share a hash tag, see `throttlerKeys`). A fixed window: the first hit starts it, later hits count in it.
 *
 * KEYS[1]: the hits of the current window. KEYS[2]: present while the tracker is blocked.
 * ARGV: the window (ms), the limit, the block duration (ms; 0 or less blocks until the window ends).
 * Reply: `{ hits, ms left in the window, 1 when blocked else 0, ms left of the block }`.
 *
 * A blocked tracker's requests are refused without being counted. A block also cuts the window short, so that
 * counting starts afresh when the block ends, as the in-memory storage of `@nestjs/throttler` does.
 */
export const THROTTLE_SCRIPT = defineScript(
  `local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local blockFor = tonumber(ARGV[3])
local blockedFor = redis.call('PTTL', KEYS[2])
if blockedFor > 0 then
  local hits = tonumber(redis.call('GET', KEYS[1]) or (limit + 1))
  return { hits, math.max(redis.call('PTTL', KEYS[1]), 0), 1, blockedFor }
end
local hits = redis.call('INCR', KEYS[1])
local windowLeft = redis.call('PTTL', KEYS[1])
if windowLeft < 0 then
  redis.call('PEXPIRE', KEYS[1], window)
  windowLeft = window
end
if hits <= limit then
  return { hits, windowLeft, 0, 0 }
end
if blockFor <= 0 then
  blockFor = windowLeft
end
redis.call('SET', KEYS[2], '1', 'PX', blockFor)
if windowLeft > blockFor then
  redis.call('PEXPIRE', KEYS[1], blockFor)
  windowLeft = blockFor
end
return { hits, windowLeft, 1, blockFor }`,
  { numberOfKeys: 2 },
);
