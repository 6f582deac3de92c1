// How each server of the test matrix answers where servers differ, written down per server rather than read
// from the server under test: a test that compares a server with its own row can fail. A server without a row
// fails the tests that need one (add its row when adding a server: see the README's "Servers tested").
import { server } from './server.js';

/** How CLUSTER SHARDS shows a shard whose primary failed, was replaced, and is still down. */
export type ShardsAfterFailover =
  /** The failed primary in a slotless shard of its own; the promoted replica's shard has the slots. */
  | 'failed-primary-apart'
  /** Both in one shard, with no slots shown (the slots of the failed primary, which has none now). */
  | 'slots-hidden'
  /** Both in one shard, with the slots the promoted primary serves. */
  | 'failed-primary-listed';

/** One server's answers where servers differ. */
export interface ServerExpectations {
  /** HELLO's `server` and `version`. */
  hello: { name: string; version: string };
  /** INFO's server section: these fields with these values (`undefined`: the field is absent). */
  info: Record<string, string | undefined>;
  /** Whether CLIENT SETINFO exists, so the client names itself (`lib-name=keyslot` in CLIENT INFO). */
  clientSetInfo: boolean;
  /** Commands some servers of the matrix lack. */
  commands: { hexpire: boolean; waitaof: boolean };
  /** The NOPERM reply to user `bob` running DEBUG. */
  noPermission: string;
  /**
   * What CLUSTER SHARDS shows after a failover whose old primary stays down, by which of the two each node happens
   * to list first in the shard (Redis 7.2 to 7.4 take the shard's slots from the node listed first).
   */
  shardsAfterFailover: { failedListedFirst: ShardsAfterFailover; promotedListedFirst: ShardsAfterFailover };
}

// How every Redis names itself in HELLO and INFO.
const REDIS_IDENTITY = {
  hello: { name: 'redis', version: server.version },
  info: {
    redis_version: server.version,
    redis_mode: 'standalone',
    server_name: undefined,
    valkey_version: undefined,
  },
};

const EXPECTATIONS: Record<string, ServerExpectations> = {
  'redis-7.0': {
    ...REDIS_IDENTITY,
    clientSetInfo: false,
    commands: { hexpire: false, waitaof: false },
    noPermission: "NOPERM this user has no permissions to run the 'debug' command",
    shardsAfterFailover: {
      failedListedFirst: 'failed-primary-apart',
      promotedListedFirst: 'failed-primary-apart',
    },
  },
  'redis-7.4': {
    ...REDIS_IDENTITY,
    clientSetInfo: true,
    commands: { hexpire: true, waitaof: true },
    noPermission: "NOPERM User bob has no permissions to run the 'debug' command",
    shardsAfterFailover: { failedListedFirst: 'slots-hidden', promotedListedFirst: 'failed-primary-listed' },
  },
  'valkey-8.0': {
    hello: { name: 'valkey', version: server.version },
    // Valkey keeps answering `redis_version` for tools that parse it, frozen at the Redis it forked from.
    info: {
      redis_version: '7.2.4',
      server_name: 'valkey',
      valkey_version: server.version,
      server_mode: 'standalone',
    },
    clientSetInfo: true,
    commands: { hexpire: false, waitaof: true },
    noPermission: "NOPERM User bob has no permissions to run the 'debug' command",
    shardsAfterFailover: {
      failedListedFirst: 'failed-primary-listed',
      promotedListedFirst: 'failed-primary-listed',
    },
  },
};

/** The row of the server these tests run on (`valkey-8.0` for `valkey-8.0.1`). */
export function expected(): ServerExpectations {
  const key = `${server.family}-${server.version.split('.').slice(0, 2).join('.')}`;
  const row = EXPECTATIONS[key];
  if (!row) {
    throw new Error(
      `No expectations for ${server.name}: add a '${key}' row to libs/client/test/support/server-expectations.ts`,
    );
  }
  return row;
}
