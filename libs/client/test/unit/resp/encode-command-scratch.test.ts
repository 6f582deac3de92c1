// The binary encoder reuses scratch arrays from call to call: after an encode, successful or rejected, they must
// hold no reference to the caller's arguments (a large Buffer would otherwise stay alive until the next binary
// encode). Checked with a WeakRef and a full garbage collection.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { ArgumentError } from '../../../src/errors.js';
import { encodeCommand } from '../../../src/resp/encode-command.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Encodes `SET key <a fresh Buffer> ...rest` and returns only a weak reference to the Buffer. */
function encodeWithFreshBuffer(rest: readonly (string | number)[]): {
  buffer: WeakRef<Buffer>;
  error: unknown;
} {
  const value = Buffer.alloc(32, 1);
  try {
    encodeCommand('SET', ['key', value, ...rest]);
    return { buffer: new WeakRef(value), error: undefined };
  } catch (error) {
    return { buffer: new WeakRef(value), error };
  }
}

/** Whether the Buffer survives a full collection once nothing but the encoder could hold it. */
async function survivesCollection(buffer: WeakRef<Buffer>): Promise<boolean> {
  // A WeakRef keeps its target until the current job ends: collect in a later turn of the event loop.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return buffer.deref() !== undefined;
}

it('keeps no reference to a Buffer argument after a successful binary encode', async () => {
  const { buffer, error } = encodeWithFreshBuffer(['EX', 10]);
  expect(error).toBeUndefined();
  expect(await survivesCollection(buffer)).toBe(false);
});

it('keeps no reference to a Buffer argument after rejecting a non-finite number that follows it', async () => {
  const { buffer, error } = encodeWithFreshBuffer(['EX', Number.NaN]);
  expect(error).toBeInstanceOf(ArgumentError);
  expect(await survivesCollection(buffer)).toBe(false);
});

it('keeps no reference to a Buffer argument after rejecting an argument of another type that follows it', async () => {
  const { buffer, error } = encodeWithFreshBuffer(['EX', {} as unknown as string]);
  expect(error).toBeInstanceOf(ArgumentError);
  expect(await survivesCollection(buffer)).toBe(false);
});
