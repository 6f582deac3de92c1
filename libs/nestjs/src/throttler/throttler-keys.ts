/** The keys one throttler key of one named throttler writes. */
export interface ThrottlerKeys {
  /** A counter of the hits in the current window, expiring with the window. */
  hits: string;
  /** Present (value `1`) while the tracker is blocked, expiring with the block. */
  blocked: string;
}

/** The key prefix of `KeyslotThrottlerStorage` unless told otherwise. */
export const DEFAULT_THROTTLER_PREFIX = 'throttler:';

/**
 * The keys of one throttler key (what the guard's `generateKey` made) under one named throttler:
 * `<prefix>{<name>:<key>}:hits` and `<prefix>{<name>:<key>}:blocked`. The hash tag holds everything up to the first
 * `}` after the opening `{`: the same text in both keys, and never empty since it starts with `<name>:` (neither the
 * prefix nor the name may hold a brace). So the two keys always share a slot and one script can update both on one
 * primary, whatever the key contains.
 */
export function throttlerKeys(
  key: string,
  throttlerName: string,
  prefix: string = DEFAULT_THROTTLER_PREFIX,
): ThrottlerKeys {
  const tagged = `${prefix}{${throttlerName}:${key}}`;
  return { hits: `${tagged}:hits`, blocked: `${tagged}:blocked` };
}
