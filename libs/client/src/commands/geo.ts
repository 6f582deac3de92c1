import type { RedisArg, RedisKey } from '../command.js';
import { prepend } from './base.js';
import { toDouble, toDoubleOrNull, toInteger } from './replies.js';
import { ServerCommands } from './server.js';
import type { Variadic } from './types.js';

/** A distance unit: meters, kilometers, feet, miles. */
export type GeoUnit = 'm' | 'km' | 'ft' | 'mi';

/** A point on the map (degrees). */
export interface GeoCoordinates {
  longitude: number;
  latitude: number;
}

/** A member to add to a geospatial index, at its position. */
export interface GeoMember extends GeoCoordinates {
  member: RedisArg;
}

/** Options of GEOADD. */
export interface GeoAddOptions {
  /** Only add new members (NX) or only update existing ones (XX). */
  condition?: 'NX' | 'XX' | undefined;
  /** Count changed members too, not only added ones (CH). */
  change?: boolean | undefined;
}

/** Where a search is centered: at a member's position (FROMMEMBER) or at a point (FROMLONLAT). */
export type GeoSearchFrom = { member: RedisArg } | GeoCoordinates;

/** The area of a search: a circle (BYRADIUS) or a box (BYBOX) centered on the search's center. */
export type GeoSearchBy =
  | { radius: number; unit: GeoUnit }
  | { width: number; height: number; unit: GeoUnit };

/** Options of GEOSEARCH, GEORADIUS and their variants. */
export interface GeoSearchOptions {
  /** Nearest first (ASC) or farthest first (DESC); unsorted by default. */
  order?: 'ASC' | 'DESC' | undefined;
  /** At most this many matches (COUNT). */
  count?: number | undefined;
  /** With `count`: stop at the first `count` matches found, not the nearest (ANY). */
  any?: boolean | undefined;
}

/** What GEOSEARCH / GEORADIUS ... WITH* add to each match. */
export interface GeoWith {
  /** The distance from the center, in the search's unit (WITHDIST). */
  distance?: boolean | undefined;
  /** The raw 52-bit geohash (WITHHASH). */
  hash?: boolean | undefined;
  /** The member's position (WITHCOORD). */
  coordinates?: boolean | undefined;
}

/** One match of a search WITH*: what was asked for is set. */
export interface GeoMatch<S> {
  member: S;
  distance?: number | undefined;
  hash?: number | undefined;
  coordinates?: GeoCoordinates | undefined;
}

/** Where GEORADIUS ... STORE / GEOSEARCHSTORE put the matches. */
export interface GeoStoreOptions extends GeoSearchOptions {
  /** Store the distances as the scores, not the geohashes (STOREDIST). */
  storeDistances?: boolean | undefined;
}

function pushSearchOptions(args: RedisArg[], options: GeoSearchOptions | undefined): void {
  if (options === undefined) return;
  if (options.order !== undefined) args.push(options.order);
  if (options.count !== undefined) {
    args.push('COUNT', options.count);
    if (options.any) args.push('ANY');
  }
}

function pushWith(args: RedisArg[], what: GeoWith): void {
  if (what.coordinates) args.push('WITHCOORD');
  if (what.distance) args.push('WITHDIST');
  if (what.hash) args.push('WITHHASH');
}

function searchArgs(
  first: RedisKey,
  second: RedisKey | undefined,
  from: GeoSearchFrom,
  by: GeoSearchBy,
): RedisArg[] {
  const args: RedisArg[] = second === undefined ? [first] : [first, second];
  if ('member' in from) args.push('FROMMEMBER', from.member);
  else args.push('FROMLONLAT', from.longitude, from.latitude);
  if ('radius' in by) args.push('BYRADIUS', by.radius, by.unit);
  else args.push('BYBOX', by.width, by.height, by.unit);
  return args;
}

function toCoordinates(reply: unknown): GeoCoordinates | null {
  if (reply === null || reply === undefined) return null;
  const pair = reply as [unknown, unknown];
  return { longitude: toDouble(pair[0]), latitude: toDouble(pair[1]) };
}

function toPositions(reply: unknown): (GeoCoordinates | null)[] {
  return (reply as unknown[]).map(toCoordinates);
}

/**
 * The matches of a search WITH*: each is `[member, dist?, hash?, coord?]`, in that order, holding what was asked
 * for (the reply does not say which; the request does).
 */
function matchesOf(what: GeoWith): (reply: unknown) => GeoMatch<unknown>[] {
  return (reply) =>
    (reply as unknown[][]).map((item) => {
      const match: GeoMatch<unknown> = { member: item[0] };
      let i = 1;
      if (what.distance) match.distance = toDouble(item[i++]);
      if (what.hash) match.hash = toInteger(item[i++]);
      if (what.coordinates) match.coordinates = toCoordinates(item[i++]) ?? undefined;
      return match;
    });
}

/** GEORADIUS's center: longitude and latitude. */
const pointOf = (center: GeoCoordinates): RedisArg[] => [center.longitude, center.latitude];

function radiusArgs(
  key: RedisKey,
  center: RedisArg[],
  radius: number,
  unit: GeoUnit,
  options: GeoSearchOptions | undefined,
): RedisArg[] {
  const args: RedisArg[] = [key, ...center, radius, unit];
  pushSearchOptions(args, options);
  return args;
}

/**
 * Geospatial indexes (sorted sets scored by geohash). Every search comes in three forms: the members (`geosearch`),
 * the members WITH distance / hash / coordinates as objects (`geosearchWith`), and stored (`geosearchstore`,
 * `georadiusStore`: the number stored).
 */
export abstract class GeoCommands<S extends string | Buffer = string, Info = string> extends ServerCommands<
  S,
  Info
> {
  /** GEOADD: adds members at their positions; how many were added (with `change`: changed). */
  geoadd(key: RedisKey, members: GeoMember | readonly GeoMember[], options?: GeoAddOptions): Promise<number> {
    const args: RedisArg[] = [key];
    if (options?.condition !== undefined) args.push(options.condition);
    if (options?.change) args.push('CH');
    for (const m of Array.isArray(members) ? (members as readonly GeoMember[]) : [members as GeoMember]) {
      args.push(m.longitude, m.latitude, m.member);
    }
    return this.sendCommand({ name: 'GEOADD', args, returnBuffers: false });
  }

  /** GEODIST: the distance between two members (meters by default), or null when one is missing. */
  geodist(key: RedisKey, member1: RedisArg, member2: RedisArg, unit?: GeoUnit): Promise<number | null> {
    const args = unit === undefined ? [key, member1, member2] : [key, member1, member2, unit];
    return this.sendCommand({ name: 'GEODIST', args, returnBuffers: false, transform: toDoubleOrNull });
  }

  /** GEOHASH: each member's 11-character geohash, null for missing members. */
  geohash(key: RedisKey, ...members: Variadic<RedisArg>): Promise<(string | null)[]> {
    return this.sendCommand({ name: 'GEOHASH', args: prepend(key, members), returnBuffers: false });
  }

  /** GEOPOS: each member's position, null for missing members. */
  geopos(key: RedisKey, ...members: Variadic<RedisArg>): Promise<(GeoCoordinates | null)[]> {
    return this.sendCommand({
      name: 'GEOPOS',
      args: prepend(key, members),
      returnBuffers: false,
      transform: toPositions,
    });
  }

  /** GEOSEARCH: the members in a circle or box around a member or a point. */
  geosearch(key: RedisKey, from: GeoSearchFrom, by: GeoSearchBy, options?: GeoSearchOptions): Promise<S[]> {
    const args = searchArgs(key, undefined, from, by);
    pushSearchOptions(args, options);
    return this.sendCommand({ name: 'GEOSEARCH', args, returnBuffers: this.returnBuffers });
  }

  /** GEOSEARCH ... WITHDIST / WITHHASH / WITHCOORD: the matches with what `what` asks for. */
  geosearchWith(
    key: RedisKey,
    from: GeoSearchFrom,
    by: GeoSearchBy,
    what: GeoWith,
    options?: GeoSearchOptions,
  ): Promise<GeoMatch<S>[]> {
    const args = searchArgs(key, undefined, from, by);
    pushSearchOptions(args, options);
    pushWith(args, what);
    return this.sendCommand({
      name: 'GEOSEARCH',
      args,
      returnBuffers: this.returnBuffers,
      transform: matchesOf(what) as (reply: unknown) => GeoMatch<S>[],
    });
  }

  /** GEOSEARCHSTORE: stores the matches of a search in `destination`; how many. */
  geosearchstore(
    destination: RedisKey,
    source: RedisKey,
    from: GeoSearchFrom,
    by: GeoSearchBy,
    options?: GeoStoreOptions,
  ): Promise<number> {
    const args = searchArgs(destination, source, from, by);
    pushSearchOptions(args, options);
    if (options?.storeDistances) args.push('STOREDIST');
    return this.sendCommand({ name: 'GEOSEARCHSTORE', args, returnBuffers: false });
  }

  /** GEORADIUS (deprecated: prefer `geosearch`): the members within `radius` of a point. */
  georadius(
    key: RedisKey,
    center: GeoCoordinates,
    radius: number,
    unit: GeoUnit,
    options?: GeoSearchOptions,
  ): Promise<S[]> {
    return this.radiusMembers('GEORADIUS', key, pointOf(center), radius, unit, options);
  }

  /** GEORADIUS ... WITH*: like `georadius`, with what `what` asks for. */
  georadiusWith(
    key: RedisKey,
    center: GeoCoordinates,
    radius: number,
    unit: GeoUnit,
    what: GeoWith,
    options?: GeoSearchOptions,
  ): Promise<GeoMatch<S>[]> {
    return this.radiusWith('GEORADIUS', key, pointOf(center), radius, unit, what, options);
  }

  /** GEORADIUS ... STORE / STOREDIST: stores the matches in `destination`; how many. */
  georadiusStore(
    key: RedisKey,
    center: GeoCoordinates,
    radius: number,
    unit: GeoUnit,
    destination: RedisKey,
    options?: GeoStoreOptions,
  ): Promise<number> {
    return this.radiusStore('GEORADIUS', key, pointOf(center), radius, unit, destination, options);
  }

  /** GEORADIUS_RO: like `georadius`, read-only (may go to a replica). */
  georadiusRo(
    key: RedisKey,
    center: GeoCoordinates,
    radius: number,
    unit: GeoUnit,
    options?: GeoSearchOptions,
  ): Promise<S[]> {
    return this.radiusMembers('GEORADIUS_RO', key, pointOf(center), radius, unit, options);
  }

  /** GEORADIUS_RO ... WITH*. */
  georadiusRoWith(
    key: RedisKey,
    center: GeoCoordinates,
    radius: number,
    unit: GeoUnit,
    what: GeoWith,
    options?: GeoSearchOptions,
  ): Promise<GeoMatch<S>[]> {
    return this.radiusWith('GEORADIUS_RO', key, pointOf(center), radius, unit, what, options);
  }

  /** GEORADIUSBYMEMBER (deprecated: prefer `geosearch`): the members within `radius` of a member. */
  georadiusbymember(
    key: RedisKey,
    member: RedisArg,
    radius: number,
    unit: GeoUnit,
    options?: GeoSearchOptions,
  ): Promise<S[]> {
    return this.radiusMembers('GEORADIUSBYMEMBER', key, [member], radius, unit, options);
  }

  /** GEORADIUSBYMEMBER ... WITH*. */
  georadiusbymemberWith(
    key: RedisKey,
    member: RedisArg,
    radius: number,
    unit: GeoUnit,
    what: GeoWith,
    options?: GeoSearchOptions,
  ): Promise<GeoMatch<S>[]> {
    return this.radiusWith('GEORADIUSBYMEMBER', key, [member], radius, unit, what, options);
  }

  /** GEORADIUSBYMEMBER ... STORE / STOREDIST: stores the matches in `destination`; how many. */
  georadiusbymemberStore(
    key: RedisKey,
    member: RedisArg,
    radius: number,
    unit: GeoUnit,
    destination: RedisKey,
    options?: GeoStoreOptions,
  ): Promise<number> {
    return this.radiusStore('GEORADIUSBYMEMBER', key, [member], radius, unit, destination, options);
  }

  /** GEORADIUSBYMEMBER_RO: like `georadiusbymember`, read-only (may go to a replica). */
  georadiusbymemberRo(
    key: RedisKey,
    member: RedisArg,
    radius: number,
    unit: GeoUnit,
    options?: GeoSearchOptions,
  ): Promise<S[]> {
    return this.radiusMembers('GEORADIUSBYMEMBER_RO', key, [member], radius, unit, options);
  }

  /** GEORADIUSBYMEMBER_RO ... WITH*. */
  georadiusbymemberRoWith(
    key: RedisKey,
    member: RedisArg,
    radius: number,
    unit: GeoUnit,
    what: GeoWith,
    options?: GeoSearchOptions,
  ): Promise<GeoMatch<S>[]> {
    return this.radiusWith('GEORADIUSBYMEMBER_RO', key, [member], radius, unit, what, options);
  }

  private radiusMembers(
    name: string,
    key: RedisKey,
    center: RedisArg[],
    radius: number,
    unit: GeoUnit,
    options: GeoSearchOptions | undefined,
  ): Promise<S[]> {
    const args = radiusArgs(key, center, radius, unit, options);
    return this.sendCommand({ name, args, returnBuffers: this.returnBuffers });
  }

  private radiusStore(
    name: string,
    key: RedisKey,
    center: RedisArg[],
    radius: number,
    unit: GeoUnit,
    destination: RedisKey,
    options: GeoStoreOptions | undefined,
  ): Promise<number> {
    const args = radiusArgs(key, center, radius, unit, options);
    args.push(options?.storeDistances ? 'STOREDIST' : 'STORE', destination);
    return this.sendCommand({ name, args, returnBuffers: false });
  }

  private radiusWith(
    name: string,
    key: RedisKey,
    center: RedisArg[],
    radius: number,
    unit: GeoUnit,
    what: GeoWith,
    options: GeoSearchOptions | undefined,
  ): Promise<GeoMatch<S>[]> {
    const args = radiusArgs(key, center, radius, unit, options);
    pushWith(args, what);
    return this.sendCommand({
      name,
      args,
      returnBuffers: this.returnBuffers,
      transform: matchesOf(what) as (reply: unknown) => GeoMatch<S>[],
    });
  }
}
