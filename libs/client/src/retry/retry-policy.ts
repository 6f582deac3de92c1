/**
 * The one retry policy: what happens to a command after a failure, for every kind of request (cluster, standalone
 * managed, blocking). Requests ask `classifyFailure` and carry out its answer; nothing else inspects failures.
 */
import { waitsForOwnWrites } from '../commands/blocking.js';
import { ClusterError, ConnectionError, OutcomeUnknownError, ReplyError } from '../errors.js';

/** What to do with a command after a failure. */
export const RetryAction = {
  /** Settle the caller with the failure as it is. */
  Fail: 'fail',
  /** MOVED or ASK: it did not run; send it again at once where the reply says. */
  Redirect: 'redirect',
  /** The server says "not now" (TRYAGAIN, LOADING): it did not run; send it again after a backoff delay. */
  Backoff: 'backoff',
  /**
   * The cluster is changing (CLUSTERDOWN, MASTERDOWN, no node known for the slot): it did not run; refresh the
   * topology, then send it again after a backoff delay. Without a topology (standalone): as `Backoff`.
   */
  Refresh: 'refresh',
  /**
   * The connection failed, and the command did not run or is safe to run twice: send it again once a connection
   * to a node that can serve it is there. It waits for that node's one reconnect schedule (or for the slot map to
   * send it elsewhere), with no timer or retry loop of its own.
   */
  Reconnect: 'reconnect',
  /** A write was sent and its connection lost before the reply: it may have run; fail saying so. */
  OutcomeUnknown: 'outcomeUnknown',
} as const;
export type RetryAction = (typeof RetryAction)[keyof typeof RetryAction];

/** Where a request runs, which decides what some replies mean. */
export type RequestScope =
  /** A cluster request routed by slot: it follows MOVED and ASK. */
  | 'cluster'
  /** A cluster request bound to one node (fan-out, `onNode`): a redirect is an answer, not an instruction. */
  | 'node'
  /** A standalone server: there is no topology to refresh, and no cluster to be down. */
  | 'standalone';

/** A reply that means the command did not run and may run soon. */
interface TransientReply {
  /** The cluster is reconfiguring: refresh the topology before trying again. */
  readonly refresh: boolean;
  /** Only a cluster can be down: from a standalone server this is a plain error. */
  readonly clusterOnly: boolean;
}

/** The one table of transient server errors, by prefix. */
export const TRANSIENT_REPLIES: ReadonlyMap<string, TransientReply> = new Map([
  // A multi-key command while its keys' slot is being migrated.
  ['TRYAGAIN', { refresh: false, clusterOnly: false }],
  // The server is loading its dataset (after a restart, or a replica syncing).
  ['LOADING', { refresh: false, clusterOnly: false }],
  // A replica whose primary is down and that does not serve stale data: a failover is under way.
  ['MASTERDOWN', { refresh: true, clusterOnly: false }],
  // Some slot has no owner, or the node lost the majority: a failover is under way.
  ['CLUSTERDOWN', { refresh: true, clusterOnly: true }],
]);

/**
 * `UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)`: the server ends
 * the blocking commands of a primary that becomes a replica, without running them, and closes their connections
 * right after that reply. (Other UNBLOCKED replies, such as CLIENT UNBLOCK ... ERROR or a deleted stream, are
 * answers.)
 */
const UNBLOCKED_BY_ROLE_CHANGE = /instance state changed/;

/** A blocking command ended because its node stopped being a primary; the server closes its connection next. */
export function unblockedByRoleChange(failure: Error): boolean {
  return (
    failure instanceof ReplyError &&
    failure.prefix === 'UNBLOCKED' &&
    UNBLOCKED_BY_ROLE_CHANGE.test(failure.message)
  );
}

/** The facts about one failed attempt that decide what happens next. */
export interface Attempt {
  /** The command was handed to the socket: a lost connection may have let it run. */
  readonly written: boolean;
  /** Read-only, or harmless to repeat (PING, INFO...): may be sent twice. */
  readonly resendable: boolean;
  /** The user opted in to re-sending writes whose outcome is unknown. */
  readonly retryWrites: boolean;
  /**
   * Speaks of the connection it was queued on (WAIT, WAITAOF count that connection's writes): on any other
   * connection its answer is wrong, so a lost connection is final for it, written or not.
   */
  readonly ownConnection: boolean;
  readonly scope: RequestScope;
}

/**
 * The single classifier: from a failure (an error reply or an error of the connection) and the facts of the attempt,
 * what to do. Error replies never mean "outcome unknown": the server answered.
 */
export function classifyFailure(failure: Error, attempt: Attempt): RetryAction {
  if (failure instanceof ReplyError) {
    // A blocking command cut short because its node stopped being a primary (a failover): it did not run, and the
    // new primary can run it.
    if (unblockedByRoleChange(failure)) {
      return attempt.scope === 'standalone' ? RetryAction.Backoff : RetryAction.Refresh;
    }
    return classifyReply(failure.prefix, attempt.scope);
  }
  if (failure instanceof ConnectionError) {
    if (attempt.ownConnection) return RetryAction.Fail;
    if (!attempt.written || attempt.resendable || attempt.retryWrites) return RetryAction.Reconnect;
    return RetryAction.OutcomeUnknown;
  }
  // No node serves the slot yet, or the topology is not known yet: it was not sent.
  if (failure instanceof ClusterError && attempt.scope !== 'standalone') return RetryAction.Refresh;
  // Closed, timed out, queue full, bad argument, outcome already unknown: final.
  return RetryAction.Fail;
}

function classifyReply(prefix: string, scope: RequestScope): RetryAction {
  if (prefix === 'MOVED' || prefix === 'ASK') {
    return scope === 'cluster' ? RetryAction.Redirect : RetryAction.Fail;
  }
  const transient = TRANSIENT_REPLIES.get(prefix);
  if (transient === undefined) return RetryAction.Fail;
  if (scope === 'standalone') return transient.clusterOnly ? RetryAction.Fail : RetryAction.Backoff;
  return transient.refresh ? RetryAction.Refresh : RetryAction.Backoff;
}

/** The actions that send the command again: it did not run, or may run twice. */
export function resends(action: RetryAction): boolean {
  return action === RetryAction.Backoff || action === RetryAction.Refresh || action === RetryAction.Reconnect;
}

/**
 * What the caller of `name` gets when the policy says not to send it again (`Fail` or `OutcomeUnknown`): an error
 * reply names the command and the node that sent it; a lost write says it may have run.
 */
export function finalError(action: RetryAction, failure: Error, name: string, address: string): Error {
  if (action === RetryAction.OutcomeUnknown) return outcomeUnknownError(name, address, failure, true);
  if (failure instanceof ConnectionError && waitsForOwnWrites(name)) return lostOwnConnection(name, failure);
  if (failure instanceof ReplyError) {
    failure.command = name;
    failure.node = address;
  }
  return failure;
}

/**
 * The error of a written command whose connection was lost before its reply. `resendHint`: the owner would have
 * re-sent it with `retryWrites` (a plain connection never re-sends anything).
 */
export function outcomeUnknownError(
  name: string,
  address: string,
  cause: Error,
  resendHint: boolean,
): OutcomeUnknownError {
  const hint = resendHint ? ' (it is not re-sent: set retryWrites to re-send writes)' : '';
  return new OutcomeUnknownError(
    `${name} was sent to ${address} but the connection was lost before its reply; it may or may not have run${hint}`,
    name,
    address,
    { cause },
  );
}

/** WAIT or WAITAOF whose connection was lost: the writes it was to count went through that connection only. */
function lostOwnConnection(name: string, cause: ConnectionError): ConnectionError {
  return new ConnectionError(
    `${name} counts the writes made on its connection, which was lost (${cause.message}); it is not sent on another connection, where it would count none of them: write again, then ${name} again`,
    cause.node,
    { cause },
  );
}
