/**
 * The hand-written command families, as types: a connection's typed methods come from them (and the generated
 * families above them), so they are part of the public surface; applications never extend them.
 */
export type { CommandBase } from './base.js';
export type { BitfieldCommands, BitfieldEncoding, BitfieldOffset, BitfieldOperation } from './bitfield.js';
export type { CommandSpec, KeySpec } from './command-spec.js';
export type * from './generated/index.js';
export type {
  GeoAddOptions,
  GeoCommands,
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
export type { FieldValue, HashCommands, HashScanPage } from './hashes.js';
export type { CopyOptions, KeyCommands, KeyScanOptions, KeyScanPage, RestoreOptions } from './keys.js';
export type { LcsCommands, LcsIndexes, LcsMatch } from './lcs.js';
export type { KeyElement, KeyElements, ListCommands, LposOptions } from './lists.js';
export type { PubSubCommands } from './pubsub.js';
export { RedisCommands } from './redis-commands.js';
export { type CommandSender, defineScript, Script, type ScriptOptions, type ScriptRunner } from './script.js';
export type { ScriptingCommands } from './scripting.js';
export type { ServerCommands, ServerTime, WaitAofResult } from './server.js';
export type { SetCommands, SetScanPage } from './sets.js';
export type { SortCommands, SortOptions } from './sort.js';
export type { SortedSetQueryCommands, ZRangeByOptions } from './sorted-set-queries.js';
export type { KeyScoredMember, KeyScoredMembers, SortedSetScanPage } from './sorted-set-replies.js';
export type {
  RangeBound,
  ScoredInput,
  SortedSetCommands,
  ZAddOptions,
  ZRangeOptions,
  ZStoreOptions,
} from './sorted-sets.js';
export type {
  StreamGroupCommands,
  XClaimOptions,
  XPendingRangeOptions,
  XReadGroupOptions,
} from './stream-groups.js';
export type {
  XAutoClaimResult,
  XInfoRecord,
  XInfoStream,
  XPendingEntry,
  XPendingSummary,
} from './stream-replies.js';
export type { StreamCommands, XAddOptions, XReadOptions, XReadStream, XTrimOptions } from './streams.js';
export type { GetExOptions, SetOptions, StringCommands } from './strings.js';
export type * from './types.js';
