import type { RedisArg, RedisKey } from '../command.js';
import { SortedSetQueryCommands } from './sorted-set-queries.js';

/** Options of SORT and SORT_RO. */
export interface SortOptions {
  /** Sort by the values of other keys (BY pattern, `*` standing for each element), or `'nosort'`. */
  by?: RedisArg | undefined;
  /** Skip `offset` elements and return at most `count` (LIMIT). */
  limit?: { offset: number; count: number } | undefined;
  /** Return the values of other keys instead of the elements (GET pattern, repeatable; `#` is the element). */
  get?: readonly RedisArg[] | undefined;
  /** Ascending (default) or descending. */
  order?: 'ASC' | 'DESC' | undefined;
  /** Compare as strings, not numbers (ALPHA). */
  alpha?: boolean | undefined;
}

function sortArgs(key: RedisKey, options: SortOptions | undefined): RedisArg[] {
  const args: RedisArg[] = [key];
  if (options === undefined) return args;
  if (options.by !== undefined) args.push('BY', options.by);
  if (options.limit !== undefined) args.push('LIMIT', options.limit.offset, options.limit.count);
  if (options.get !== undefined) for (const pattern of options.get) args.push('GET', pattern);
  if (options.order !== undefined) args.push(options.order);
  if (options.alpha) args.push('ALPHA');
  return args;
}

/**
 * SORT and SORT_RO. In a cluster, BY and GET patterns may only name keys of the sorted key's slot (a hash tag in
 * the pattern): the server refuses the others.
 */
export abstract class SortCommands<
  S extends string | Buffer = string,
  Info = string,
> extends SortedSetQueryCommands<S, Info> {
  /** SORT: the elements of a list, set or sorted set, sorted (with `get`: the values fetched, null when missing). */
  sort(key: RedisKey, options?: SortOptions): Promise<(S | null)[]> {
    return this.sendCommand({
      name: 'SORT',
      args: sortArgs(key, options),
      returnBuffers: this.returnBuffers,
    });
  }

  /** SORT ... STORE: stores the sorted result as a list in `destination`; its length. */
  sortStore(key: RedisKey, destination: RedisKey, options?: SortOptions): Promise<number> {
    const args = sortArgs(key, options);
    args.push('STORE', destination);
    return this.sendCommand({ name: 'SORT', args, returnBuffers: false });
  }

  /** SORT_RO: like `sort`, read-only (may go to a replica). */
  sortRo(key: RedisKey, options?: SortOptions): Promise<(S | null)[]> {
    return this.sendCommand({
      name: 'SORT_RO',
      args: sortArgs(key, options),
      returnBuffers: this.returnBuffers,
    });
  }
}
