/**
 * Keyless commands that concern the whole cluster, where they go and how their replies combine, following the
 * request and response policies Redis documents for each command (COMMAND DOCS "tips").
 */

/** Where a fanned-out command goes. */
export type FanOutTargets = 'primaries' | 'all';

/** How the replies of every node become one. */
export type Aggregate =
  /** Sum of integer replies (DBSIZE). */
  | 'sum'
  /** All arrays, concatenated (KEYS). */
  | 'concat'
  /** Every node must succeed; the first reply stands for all (FLUSHALL, SCRIPT LOAD, PING, CONFIG SET). */
  | 'allSucceeded'
  /** Element-wise AND of 0/1 arrays (SCRIPT EXISTS). */
  | 'logicalAnd'
  /** Any one non-null reply (RANDOMKEY). */
  | 'anyNonNull'
  /** One reply per node, keyed by `host:port` (INFO). */
  | 'perNode'
  /** The smallest integer reply, element-wise for arrays (WAIT, WAITAOF: what every primary has). */
  | 'min';

export interface FanOutPolicy {
  targets: FanOutTargets;
  aggregate: Aggregate;
}

const POLICIES: Record<string, FanOutPolicy> = {
  DBSIZE: { targets: 'primaries', aggregate: 'sum' },
  KEYS: { targets: 'primaries', aggregate: 'concat' },
  FLUSHALL: { targets: 'primaries', aggregate: 'allSucceeded' },
  FLUSHDB: { targets: 'primaries', aggregate: 'allSucceeded' },
  PING: { targets: 'primaries', aggregate: 'allSucceeded' },
  RANDOMKEY: { targets: 'primaries', aggregate: 'anyNonNull' },
  INFO: { targets: 'all', aggregate: 'perNode' },
  // Each primary's shared connection carries this process's writes to it: WAIT there counts them all.
  WAIT: { targets: 'primaries', aggregate: 'min' },
  WAITAOF: { targets: 'primaries', aggregate: 'min' },
  'SCRIPT LOAD': { targets: 'all', aggregate: 'allSucceeded' },
  'SCRIPT FLUSH': { targets: 'all', aggregate: 'allSucceeded' },
  'SCRIPT EXISTS': { targets: 'all', aggregate: 'logicalAnd' },
  'FUNCTION LOAD': { targets: 'primaries', aggregate: 'allSucceeded' },
  'FUNCTION DELETE': { targets: 'primaries', aggregate: 'allSucceeded' },
  'FUNCTION FLUSH': { targets: 'primaries', aggregate: 'allSucceeded' },
  'FUNCTION RESTORE': { targets: 'primaries', aggregate: 'allSucceeded' },
  'CONFIG SET': { targets: 'all', aggregate: 'allSucceeded' },
  'CONFIG RESETSTAT': { targets: 'all', aggregate: 'allSucceeded' },
  'CONFIG REWRITE': { targets: 'all', aggregate: 'allSucceeded' },
};

/** Commands whose policy depends on their first argument (the subcommand). */
const CONTAINERS = new Set(['SCRIPT', 'FUNCTION', 'CONFIG']);

/** The fan-out policy of a command, or undefined for a command that goes to one node. */
export function fanOutPolicy(name: string, args: readonly unknown[]): FanOutPolicy | undefined {
  if (CONTAINERS.has(name)) {
    const sub = args[0];
    return typeof sub === 'string' ? POLICIES[`${name} ${sub.toUpperCase()}`] : undefined;
  }
  return POLICIES[name];
}

/** Combines the replies of every node (in node order) as the policy says. */
export function aggregate(
  policy: Aggregate,
  replies: readonly unknown[],
  addresses: readonly string[],
): unknown {
  switch (policy) {
    case 'sum':
      return replies.reduce<number>((total, reply) => total + Number(reply), 0);
    case 'concat':
      return replies.flatMap((reply) => (Array.isArray(reply) ? reply : []));
    case 'allSucceeded':
      return replies[0];
    case 'logicalAnd': {
      const first = (replies[0] as unknown[]) ?? [];
      return first.map((_, index) =>
        replies.every((reply) => Number((reply as unknown[])[index]) === 1) ? 1 : 0,
      );
    }
    case 'anyNonNull':
      return replies.find((reply) => reply !== null) ?? null;
    case 'min': {
      if (Array.isArray(replies[0])) {
        const first = replies[0] as unknown[];
        return first.map((_, index) =>
          Math.min(...replies.map((reply) => Number((reply as unknown[])[index]))),
        );
      }
      return Math.min(...replies.map(Number));
    }
    case 'perNode': {
      const out: Record<string, unknown> = {};
      replies.forEach((reply, index) => {
        out[addresses[index]!] = reply;
      });
      return out;
    }
  }
}
