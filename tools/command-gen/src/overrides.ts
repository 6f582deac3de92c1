// The hand-written part of the generated surface, kept small and reviewed like code: method names chosen for
// readability, and replies that deserve a better JavaScript shape than the spec's. Commands whose methods need
// more than that (several reply shapes chosen by flags, like ZRANGEBYSCORE WITHSCORES or GEOSEARCH WITHCOORD)
// are written by hand in libs/client/src/commands/ and skipped here.

/** Method names for subcommands whose name is several words run together (`COUNTKEYSINSLOT`). */
export const METHOD_NAMES: Readonly<Record<string, string>> = {
  'ACL GENPASS': 'aclGenPass',
  'ACL WHOAMI': 'aclWhoAmI',
  'CLIENT GETREDIR': 'clientGetRedir',
  'CLIENT NO-TOUCH': 'clientNoTouch',
  'CLIENT SETINFO': 'clientSetInfo',
  'CLIENT TRACKINGINFO': 'clientTrackingInfo',
  'CLUSTER COUNTKEYSINSLOT': 'clusterCountKeysInSlot',
  'CLUSTER GETKEYSINSLOT': 'clusterGetKeysInSlot',
  'CLUSTER KEYSLOT': 'clusterKeySlot',
  'CLUSTER MYID': 'clusterMyId',
  'CLUSTER MYSHARDID': 'clusterMyShardId',
  'COMMAND GETKEYS': 'commandGetKeys',
  'COMMAND GETKEYSANDFLAGS': 'commandGetKeysAndFlags',
  'XGROUP CREATECONSUMER': 'xgroupCreateConsumer',
  'XGROUP DELCONSUMER': 'xgroupDelConsumer',
  'XGROUP SETID': 'xgroupSetId',
};

/** Summaries of the commands only Redis has (its spec text is not copied: Redis 7.4's sources are RSALv2/SSPL). */
export const SUMMARIES: Readonly<Record<string, string>> = {
  HEXPIRE: 'Sets a time to live in seconds on hash fields.',
  HPEXPIRE: 'Sets a time to live in milliseconds on hash fields.',
  HEXPIREAT: 'Sets the Unix time in seconds at which hash fields expire.',
  HPEXPIREAT: 'Sets the Unix time in milliseconds at which hash fields expire.',
  HEXPIRETIME: 'Returns the Unix time in seconds at which hash fields expire.',
  HPEXPIRETIME: 'Returns the Unix time in milliseconds at which hash fields expire.',
  HTTL: 'Returns the time to live of hash fields in seconds.',
  HPTTL: 'Returns the time to live of hash fields in milliseconds.',
  HPERSIST: 'Removes the expiration of hash fields.',
};

/** A reply mapped by hand: its type, and the transform of replies.ts that makes it (none: as decoded). */
export interface ReplyOverride {
  readonly type: string;
  readonly transform?: string;
  /** Bulk strings come back as Buffers in both views (binary payloads). */
  readonly buffers?: true;
}

/** Replies with a better JavaScript shape than the spec's. */
export const REPLIES: Readonly<Record<string, ReplyOverride>> = {
  // "Did it happen" is a boolean, as in the hand-written families (RENAMENX, HSETNX...).
  MOVE: { type: 'boolean', transform: 'toBoolean' },
  PFADD: { type: 'boolean', transform: 'toBoolean' },
  // The spec says text; it is a number (a double in RESP3).
  GEODIST: { type: 'number | null', transform: 'toDoubleOrNull' },
  // A binary payload for FUNCTION RESTORE, as DUMP's is for RESTORE.
  'FUNCTION DUMP': { type: 'Buffer', buffers: true },
};

/** Keyless commands whose strings are user data (keys), so they follow the view. */
export const DATA_REPLIES: ReadonlySet<string> = new Set([
  'CLUSTER GETKEYSINSLOT',
  'COMMAND GETKEYS',
  'COMMAND GETKEYSANDFLAGS',
]);

/** Commands with keys whose strings are made up by the server, so they are text in both views. */
export const TEXT_REPLIES: ReadonlySet<string> = new Set(['GEOHASH']);

/**
 * Parts of replies that hold more of an enclosing part, where the schema only says "array": path → that part's
 * path ('' for the whole reply). Without this their maps stay RESP2 pairs or RESP3 Maps.
 */
export const REPEATED_PARTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // A subcommand's entry is a command's entry.
  'COMMAND INFO': { '9': '' },
  // A block's or one-of's arguments are arguments (the subcommands are `$ref: '#'` in the spec).
  'COMMAND DOCS': { '*.arguments.arguments': '*.arguments' },
};

/** Properties the server leaves out at times (the specs never say which are required), by command and path. */
export const OPTIONAL_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  // Only with WITHCODE.
  'FUNCTION LIST': ['library_code'],
  // Only when TLS is on, or a hostname is announced.
  'CLUSTER SHARDS': ['nodes.tls-port', 'nodes.hostname'],
  'CLUSTER SLOTS': ['2.3.hostname', '2.3.ip', 'n.3.hostname', 'n.3.ip'],
  // Valkey sends the CPU and network figures only when cluster-slot-stats-enabled is on.
  'CLUSTER SLOT-STATS': ['1.cpu-usec', '1.network-bytes-in', '1.network-bytes-out'],
  // Each command documents what applies to it.
  'COMMAND DOCS': [
    '*.complexity',
    '*.module',
    '*.doc_flags',
    '*.deprecated_since',
    '*.replaced_by',
    '*.history',
    '*.arguments',
    '*.reply_schema',
    '*.subcommands',
    '*.arguments.display_text',
    '*.arguments.key_spec_index',
    '*.arguments.token',
    '*.arguments.summary',
    '*.arguments.since',
    '*.arguments.deprecated_since',
    '*.arguments.flags',
    '*.arguments.arguments',
  ],
  'COMMAND INFO': ['8.notes'],
  // Redis 7.2 and 7.4 added these.
  'MEMORY STATS': [
    'overhead.db.hashtable.lut',
    'overhead.db.hashtable.rehashing',
    'db.dict.rehashing.count',
    'allocator.muzzy',
  ],
};
