import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  ClosedError,
  ClusterError,
  ConnectionError,
  OutcomeUnknownError,
  QueueFullError,
  ReplyError,
  TimeoutError,
} from '../../../src/errors.js';
import {
  type Attempt,
  classifyFailure,
  finalError,
  outcomeUnknownError,
  type RequestScope,
  RetryAction,
  resends,
  TRANSIENT_REPLIES,
} from '../../../src/retry/retry-policy.js';

const lost = () => new ConnectionError('connection to 127.0.0.1:7000 was closed', '127.0.0.1:7000');
const reply = (text: string) => new ReplyError(text);

const written = true;
const notWritten = false;
const readonly = true;
const write = false;

// failure, written?, resendable?, retryWrites?, scope -> action
const table: [string, () => Error, boolean, boolean, boolean, RequestScope, RetryAction][] = [
  // Redirects: followed by a slot-routed cluster request, an answer for anything else.
  [
    'MOVED, routed by slot',
    () => reply('MOVED 12 127.0.0.1:7001'),
    written,
    write,
    false,
    'cluster',
    RetryAction.Redirect,
  ],
  [
    'ASK, routed by slot',
    () => reply('ASK 12 127.0.0.1:7001'),
    written,
    write,
    false,
    'cluster',
    RetryAction.Redirect,
  ],
  [
    'MOVED, pinned to a node',
    () => reply('MOVED 12 127.0.0.1:7001'),
    written,
    write,
    false,
    'node',
    RetryAction.Fail,
  ],
  [
    'MOVED, standalone',
    () => reply('MOVED 12 127.0.0.1:7001'),
    written,
    write,
    false,
    'standalone',
    RetryAction.Fail,
  ],
  // Transient replies: the command did not run.
  [
    'TRYAGAIN',
    () => reply('TRYAGAIN Multiple keys request during rehashing'),
    written,
    write,
    false,
    'cluster',
    RetryAction.Backoff,
  ],
  [
    'LOADING',
    () => reply('LOADING Redis is loading the dataset in memory'),
    written,
    write,
    false,
    'cluster',
    RetryAction.Backoff,
  ],
  [
    'CLUSTERDOWN',
    () => reply('CLUSTERDOWN The cluster is down'),
    written,
    write,
    false,
    'cluster',
    RetryAction.Refresh,
  ],
  [
    'MASTERDOWN',
    () => reply('MASTERDOWN Link with MASTER is down'),
    written,
    write,
    false,
    'cluster',
    RetryAction.Refresh,
  ],
  [
    'CLUSTERDOWN, pinned',
    () => reply('CLUSTERDOWN The cluster is down'),
    written,
    write,
    false,
    'node',
    RetryAction.Refresh,
  ],
  [
    'LOADING, standalone',
    () => reply('LOADING Redis is loading'),
    written,
    write,
    false,
    'standalone',
    RetryAction.Backoff,
  ],
  [
    'MASTERDOWN, standalone (no topology)',
    () => reply('MASTERDOWN Link with MASTER is down'),
    written,
    write,
    false,
    'standalone',
    RetryAction.Backoff,
  ],
  [
    'CLUSTERDOWN, standalone',
    () => reply('CLUSTERDOWN The cluster is down'),
    written,
    write,
    false,
    'standalone',
    RetryAction.Fail,
  ],
  // Other replies are answers.
  [
    'WRONGTYPE',
    () => reply('WRONGTYPE Operation against a key'),
    written,
    readonly,
    true,
    'cluster',
    RetryAction.Fail,
  ],
  ['ERR', () => reply('ERR unknown command'), written, readonly, true, 'standalone', RetryAction.Fail],
  // A blocking command ended by a failover did not run: the new primary runs it. Other UNBLOCKED replies answer.
  [
    'UNBLOCKED by a role change',
    () =>
      reply('UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)'),
    written,
    write,
    false,
    'cluster',
    RetryAction.Refresh,
  ],
  [
    'UNBLOCKED by CLIENT UNBLOCK',
    () => reply('UNBLOCKED client unblocked via CLIENT UNBLOCK'),
    written,
    write,
    false,
    'cluster',
    RetryAction.Fail,
  ],
  // A lost connection: re-sent unless a written write.
  ['lost, not written', lost, notWritten, write, false, 'cluster', RetryAction.Reconnect],
  ['lost, written read', lost, written, readonly, false, 'cluster', RetryAction.Reconnect],
  ['lost, written write', lost, written, write, false, 'cluster', RetryAction.OutcomeUnknown],
  ['lost, written write, retryWrites', lost, written, write, true, 'cluster', RetryAction.Reconnect],
  ['lost, written write, pinned', lost, written, write, false, 'node', RetryAction.OutcomeUnknown],
  ['lost, written write, standalone', lost, written, write, false, 'standalone', RetryAction.OutcomeUnknown],
  ['lost, not written, standalone', lost, notWritten, write, false, 'standalone', RetryAction.Reconnect],
  // No node for the slot yet: not sent; a standalone connection has no topology to wait for.
  [
    'no node serves the slot',
    () => new ClusterError('no node serves hash slot 12 right now'),
    notWritten,
    write,
    false,
    'cluster',
    RetryAction.Refresh,
  ],
  [
    'cluster error, standalone',
    () => new ClusterError('?'),
    notWritten,
    write,
    false,
    'standalone',
    RetryAction.Fail,
  ],
  // Final whatever the attempt.
  ['closed', () => new ClosedError('closed'), notWritten, readonly, true, 'cluster', RetryAction.Fail],
  [
    'timed out',
    () => new TimeoutError('GET timed out'),
    notWritten,
    readonly,
    true,
    'cluster',
    RetryAction.Fail,
  ],
  [
    'queue full',
    () => new QueueFullError('full'),
    notWritten,
    readonly,
    true,
    'standalone',
    RetryAction.Fail,
  ],
  ['bad argument', () => new ArgumentError('bad'), notWritten, readonly, true, 'cluster', RetryAction.Fail],
  [
    'outcome already unknown',
    () => new OutcomeUnknownError('?'),
    written,
    readonly,
    true,
    'cluster',
    RetryAction.Fail,
  ],
];

describe('classifyFailure: the one retry policy', () => {
  it.each(table)(
    '%s -> (written %s, resendable %s, retryWrites %s, %s) %s',
    (_, failure, w, r, rw, scope, action) => {
      const attempt: Attempt = { written: w, resendable: r, retryWrites: rw, ownConnection: false, scope };
      expect(classifyFailure(failure(), attempt)).toBe(action);
    },
  );

  it('WAIT and WAITAOF are never moved to another connection: a lost connection is final, written or not', () => {
    for (const scope of ['cluster', 'node', 'standalone'] as const) {
      for (const [w, rw] of [
        [notWritten, false],
        [written, false],
        [written, true],
      ] as const) {
        const attempt: Attempt = {
          written: w,
          resendable: write,
          retryWrites: rw,
          ownConnection: true,
          scope,
        };
        expect(classifyFailure(lost(), attempt)).toBe(RetryAction.Fail);
      }
    }
    for (const name of ['WAIT', 'waitaof']) {
      const error = finalError(RetryAction.Fail, lost(), name, '127.0.0.1:7000');
      expect(error).toMatchObject({ code: 'ERR_KEYSLOT_CONNECTION', node: '127.0.0.1:7000' });
      expect(error.message).toMatch(/counts the writes made on its connection, which was lost/);
    }
  });

  it('has one table of transient server errors', () => {
    expect([...TRANSIENT_REPLIES.keys()].sort()).toEqual([
      'CLUSTERDOWN',
      'LOADING',
      'MASTERDOWN',
      'TRYAGAIN',
    ]);
  });

  it('writes the outcome-unknown message once, with the retryWrites hint only where it applies', () => {
    const managed = outcomeUnknownError('INCR', '127.0.0.1:7000', lost(), true);
    expect(managed).toBeInstanceOf(OutcomeUnknownError);
    expect(managed).toMatchObject({ command: 'INCR', node: '127.0.0.1:7000' });
    expect(managed.message).toBe(
      'INCR was sent to 127.0.0.1:7000 but the connection was lost before its reply; it may or may not have run (it is not re-sent: set retryWrites to re-send writes)',
    );
    expect(outcomeUnknownError('INCR', '127.0.0.1:7000', lost(), false).message).not.toMatch(/retryWrites/);
  });

  it('resends only what did not run or may run twice; a final failure names the command and node of an error reply', () => {
    expect(Object.values(RetryAction).filter(resends).sort()).toEqual(['backoff', 'reconnect', 'refresh']);
    const wrongType = reply('WRONGTYPE Operation against a key');
    expect(finalError(RetryAction.Fail, wrongType, 'INCR', 'n:1')).toMatchObject({
      command: 'INCR',
      node: 'n:1',
    });
    const unknown = finalError(RetryAction.OutcomeUnknown, lost(), 'INCR', 'n:1');
    expect(unknown).toBeInstanceOf(OutcomeUnknownError);
    expect(unknown.message).toMatch(/may or may not have run/);
    const closed = new ClosedError('closed');
    expect(finalError(RetryAction.Fail, closed, 'INCR', 'n:1')).toBe(closed);
  });
});
