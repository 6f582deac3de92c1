/**
 * A SCAN `MATCH` pattern for every key that starts with `prefix`: the prefix with the glob's special characters
 * (`*`, `?`, `[`, `]`, `\`) escaped, then `*`. A namespace such as `a*` then matches only keys that begin with
 * `a*`, never every key that begins with `a`.
 */
export function startsWithPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
}
