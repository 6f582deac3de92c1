// readInSlices on its own, with scripted slices (no server): how a long blocking read is cut, when it stops, and
// which failures count as an empty slice. The real reads are exercised in bullmq-on-cluster and bullmq-failover.
import { OutcomeUnknownError, ReplyError } from '@keyslot/client';
import { describe, expect, it, vi } from 'vitest';
import { readInSlices, SLICE_MS } from '../src/sliced-blocking-read.js';

/** A read whose slices answer from a script: null (time up), a value, or an error to throw. */
function scripted(answers: (string | null | Error)[]) {
  const asked: number[] = [];
  const read = async (blockMs: number) => {
    asked.push(blockMs);
    const answer = answers.shift() ?? null;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { asked, read };
}

describe('readInSlices', () => {
  it('a wait without end is asked for in slices of SLICE_MS until a reply comes', async () => {
    const { asked, read } = scripted([null, null, 'marker']);
    await expect(readInSlices(0, read, () => true)).resolves.toBe('marker');
    expect(asked).toEqual([SLICE_MS, SLICE_MS, SLICE_MS]);
  });

  it('a 2.5 s wait is read as slices of 1 s, 1 s and 0.5 s, then gives up with null', async () => {
    // Each slice "blocks" for its whole time on a fake clock: the server found nothing.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const asked: number[] = [];
      const read = async (blockMs: number) => {
        asked.push(blockMs);
        vi.setSystemTime(Date.now() + blockMs);
        return null;
      };
      await expect(readInSlices(2500, read, () => true)).resolves.toBeNull();
      expect(asked).toEqual([SLICE_MS, SLICE_MS, 2500 - 2 * SLICE_MS]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops after the current slice once nobody wants the reply', async () => {
    let wanted = true;
    const { asked, read } = scripted([]);
    const reading = readInSlices(
      0,
      async (ms) => {
        const reply = await read(ms);
        wanted = false;
        return reply;
      },
      () => wanted,
    );
    await expect(reading).resolves.toBeNull();
    expect(asked).toHaveLength(1);
  });

  it('a slice unblocked by a failover, or whose reply was lost, counts as empty; the next slice is sent', async () => {
    const unblocked = new ReplyError(
      'UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)',
    );
    const lost = new OutcomeUnknownError(
      'XREAD was sent to 127.0.0.1:7000 but the connection was lost before its reply',
    );
    const { asked, read } = scripted([unblocked, lost, 'entry']);
    await expect(readInSlices(0, read, () => true)).resolves.toBe('entry');
    expect(asked).toHaveLength(3);
  });

  it('any other failure ends the read with that error', async () => {
    const wrongType = new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value');
    const { read } = scripted([wrongType]);
    await expect(readInSlices(0, read, () => true)).rejects.toBe(wrongType);
  });
});
