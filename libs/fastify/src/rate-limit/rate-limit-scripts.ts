import { defineScript } from '@keyslot/client';

/**
 * One request in a fixed window, on the primary that owns the counter. KEYS[1]: the counter. ARGV: the window (ms),
 * the maximum, and what an exceeding request does to the window: `fixed` (nothing), `continue` (starts it again,
 * `continueExceeding`) or `backoff` (window × 2^(requests over the maximum − 1), `exponentialBackoff`).
 * Reply: `{ requests in the window, ms until it ends }`, what `@fastify/rate-limit` expects from `incr`.
 */
export const INCREMENT_SCRIPT = defineScript(
  `local window = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local mode = ARGV[3]
local current = redis.call('INCR', KEYS[1])
local ttl
if current == 1 or (mode == 'continue' and current > max) then
  ttl = window
elseif mode == 'backoff' and current > max then
  -- Capped at 10^13 ms (300 years): a whole number Lua still writes without an exponent.
  ttl = math.min(window * 2 ^ (current - max - 1), 10000000000000)
else
  ttl = redis.call('PTTL', KEYS[1])
  if ttl >= 0 then
    return { current, ttl }
  end
  ttl = window
end
redis.call('PEXPIRE', KEYS[1], ttl)
return { current, ttl }`,
  { numberOfKeys: 1 },
);

/** The counter and the ms until its window ends, changing nothing; `{ 0, 0 }` when there is no window. */
export const READ_SCRIPT = defineScript(
  `local current = redis.call('GET', KEYS[1])
if not current then
  return { 0, 0 }
end
return { tonumber(current), math.max(redis.call('PTTL', KEYS[1]), 0) }`,
  { numberOfKeys: 1 },
);
