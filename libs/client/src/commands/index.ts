export type { BitfieldEncoding, BitfieldOffset, BitfieldOperation } from './bitfield.js';
export type { CommandSpec, KeySpec } from './command-spec.js';
export type * from './generated/index.js';
export type {
  GeoAddOptions,
  GeoCoordinates,
  GeoMatch,
  GeoMember,
  GeoSearchBy,
  GeoSearchFrom,
  GeoSearchOptions,
  GeoStoreOptions,
  GeoUnit,
  GeoWith,
} from './geo.js';
export type { FieldValue, HashScanPage } from './hashes.js';
export type { CopyOptions, KeyScanOptions, KeyScanPage, RestoreOptions } from './keys.js';
export type { LcsIndexes, LcsMatch } from './lcs.js';
export type { KeyElement, KeyElements, LposOptions } from './lists.js';
export { RedisCommands } from './redis-commands.js';
export { type CommandSender, defineScript, Script, type ScriptOptions, type ScriptRunner } from './script.js';
export type { ServerTime, WaitAofResult } from './server.js';
export type { SetScanPage } from './sets.js';
export type { SortOptions } from './sort.js';
export type { ZRangeByOptions } from './sorted-set-queries.js';
export type { KeyScoredMember, KeyScoredMembers, SortedSetScanPage } from './sorted-set-replies.js';
export type { RangeBound, ScoredInput, ZAddOptions, ZRangeOptions, ZStoreOptions } from './sorted-sets.js';
export type { XClaimOptions, XPendingRangeOptions, XReadGroupOptions } from './stream-groups.js';
export type {
  XAutoClaimResult,
  XInfoRecord,
  XInfoStream,
  XPendingEntry,
  XPendingSummary,
} from './stream-replies.js';
export type { XAddOptions, XReadOptions, XReadStream, XTrimOptions } from './streams.js';
export type { GetExOptions, SetOptions } from './strings.js';
export type * from './types.js';
