// Pure pieces: no redis-server needed.
import { describe, expect, it } from 'vitest';
import { parseClusterNodes, parseInfo } from '../src/cluster-topology.js';
import { ensureRedisServer, SLOT_COUNT, WaitForTimeoutError, waitFor } from '../src/index.js';
import { encodeCommand, parseReply, RedisReplyError } from '../src/resp-connection.js';
import { formatRanges, mergeRanges, spreadSlots, subtractRanges } from '../src/slot-ranges.js';

describe('waitFor', () => {
  it('resolves as soon as the condition holds', async () => {
    let calls = 0;
    await waitFor(() => ++calls === 3, { timeoutMs: 5_000, intervalMs: 1 });
    expect(calls).toBe(3);
  });

  it('throws a clear error with the message and the last error once the deadline passes', async () => {
    const failing = waitFor(
      () => {
        throw new Error('still broken');
      },
      { timeoutMs: 50, intervalMs: 10, message: 'pigs to fly' },
    );
    await expect(failing).rejects.toThrow(WaitForTimeoutError);
    await expect(waitFor(() => false, { timeoutMs: 20, message: () => 'the answer' })).rejects.toThrow(
      /Timed out after 20 ms waiting for the answer/,
    );
    await failing.catch((error: Error) => {
      expect(error.message).toContain('pigs to fly');
      expect(error.message).toContain('still broken');
    });
  });
});

describe('slot ranges', () => {
  it('spreads every slot over the primaries without gaps or overlaps', () => {
    for (const primaries of [1, 2, 3, 5, 7]) {
      const ranges = spreadSlots(primaries);
      expect(ranges).toHaveLength(primaries);
      expect(ranges[0]![0]).toBe(0);
      expect(ranges.at(-1)![1]).toBe(SLOT_COUNT - 1);
      for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1] + 1);
    }
  });

  it('merges touching ranges', () => {
    expect(
      formatRanges(
        mergeRanges([
          [5, 9],
          [0, 4],
          [11, 11],
        ]),
      ),
    ).toBe('0-9,11');
  });

  it('subtracts the slots others claim', () => {
    expect(formatRanges(subtractRanges([[0, 5460]], [[0, 5460]]))).toBe('');
    expect(
      formatRanges(
        subtractRanges(
          [
            [0, 100],
            [200, 300],
          ],
          [
            [50, 60],
            [90, 250],
          ],
        ),
      ),
    ).toBe('0-49,61-89,251-300');
  });
});

describe('CLUSTER NODES parsing', () => {
  it('reads roles, flags, slots and skips migrating markers', () => {
    const text = [
      'a1 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5460 [5461->-b2]',
      'b2 127.0.0.1:7002@17002,host master,fail? - 0 0 2 connected 5461-10922',
      'c3 127.0.0.1:7003@17003 slave a1 0 0 1 disconnected',
      'd4 :0@0 handshake,noaddr - 0 0 0 disconnected',
      '',
    ].join('\n');
    const [a, b, c, d] = parseClusterNodes(text);
    expect(a).toMatchObject({ id: 'a1', port: 7001, myself: true, role: 'primary', slots: [[0, 5460]] });
    expect(b).toMatchObject({ host: '127.0.0.1', failing: true, slots: [[5461, 10922]] });
    expect(c).toMatchObject({ role: 'replica', primaryId: 'a1', connected: false, slots: [] });
    expect(d?.handshake).toBe(true);
  });

  it('reads INFO fields', () => {
    expect(parseInfo('# Cluster\r\ncluster_state:ok\r\ncluster_known_nodes:6\r\n')).toEqual({
      cluster_state: 'ok',
      cluster_known_nodes: '6',
    });
  });
});

describe('RESP', () => {
  it('encodes commands and parses every RESP2 type, waiting for whole replies', () => {
    expect(encodeCommand(['SET', 'k', 1]).toString()).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n1\r\n');
    const reply = Buffer.from('*4\r\n+OK\r\n:42\r\n$-1\r\n$5\r\nhello\r\n-ERR nope\r\n');
    const first = parseReply(reply, 0)!;
    expect(first.value).toEqual(['OK', 42, null, 'hello']);
    const second = parseReply(reply, first.next)!;
    expect(second.value).toBeInstanceOf(RedisReplyError);
    expect(parseReply(Buffer.from('$5\r\nhel'), 0)).toBeUndefined();
    expect(parseReply(Buffer.from('$2\r\nhi\r\n'), 0, true)!.value).toEqual(Buffer.from('hi'));
  });
});

describe('ensureRedisServer', () => {
  it('finds redis-server 7+ on PATH', async () => {
    const found = await ensureRedisServer();
    expect(found.path).toMatch(/redis-server$/);
    expect(Number(found.version.split('.')[0])).toBeGreaterThanOrEqual(7);
  });

  it('says how to install it when it is missing and cannot be installed', async () => {
    await expect(ensureRedisServer({ env: { PATH: '/nonexistent' }, allowInstall: false })).rejects.toThrow(
      /sudo apt-get install redis-server/,
    );
  });
});
