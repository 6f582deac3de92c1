import { describe, expect, it } from 'vitest';
import { ConnectionError, TimeoutError } from '../../../src/errors.js';
import { ManagedRequest, type RequestOwner } from '../../../src/standalone/managed-request.js';
import { Admission } from '../../../src/util/admission.js';

const ADDRESS = '127.0.0.1:6390';

// An owner whose connection is open again (no reconnect state to report), recording what it is asked to resend.
function reconnectedOwner(): RequestOwner & { resent: ManagedRequest<unknown>[] } {
  const resent: ManagedRequest<unknown>[] = [];
  return {
    resent,
    resend: (request) => resent.push(request),
    describeState: () => '',
    address: ADDRESS,
    retryWrites: false,
    admission: new Admission(100, `for ${ADDRESS}`),
  };
}

describe('ManagedRequest timeout messages', () => {
  it('a read resent after a connection loss, then timing out on the new connection, still names that loss', async () => {
    const owner = reconnectedOwner();
    const request = new ManagedRequest<unknown>('GET', '', false, undefined, true, owner, 60_000);
    request.written = true;
    request.onFailure(new ConnectionError(`connection to ${ADDRESS} was closed`, ADDRESS), ADDRESS);
    expect(owner.resent).toEqual([request]);
    request.written = true; // written again on the next connection, which never answers
    request.onDeadline(60_000);
    const error = await request.promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe(
      `GET timed out waiting for its reply from ${ADDRESS} (sent again after: connection to ${ADDRESS} was closed)`,
    );
  });

  it('a request never resent times out without a reason when its connection is open', async () => {
    const request = new ManagedRequest<unknown>(
      'GET',
      '',
      false,
      undefined,
      true,
      reconnectedOwner(),
      60_000,
    );
    request.written = true;
    request.onDeadline(60_000);
    await expect(request.promise).rejects.toThrow(
      /^GET timed out waiting for its reply from 127\.0\.0\.1:6390$/,
    );
  });
});
