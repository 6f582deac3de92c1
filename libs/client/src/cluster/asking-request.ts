import { Request } from '../connection/request.js';
import { encodeCommand } from '../resp/encode-command.js';

/**
 * ASKING before a command sent after an ASK redirect; its reply is read and dropped. It lives exactly as long as the
 * command it precedes: settled when that one is (a timeout included), so a queue of a node that is down drops it
 * with its command instead of keeping it, and everything that timed out behind it, until the node is back.
 */
export class AskingRequest extends Request {
  private static readonly payload = encodeCommand('ASKING', []) as string;

  constructor(readonly before: Request) {
    super('ASKING', AskingRequest.payload, false);
    // `done` is a field of every request (read on the hot path); only this rare one reads it from its command.
    Object.defineProperty(this, 'done', { get: () => before.done, set: () => {} });
  }

  onReply(): void {}
  onFailure(): void {}
  onDeadline(): void {}
}
