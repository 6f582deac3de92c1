/**
 * Reads of a socket (TCP, or TLS: decrypted bytes) into memory the connection owns, through Node's `onread` option:
 * every read lands in one reused buffer and is decoded from there (`RespDecoder.feedRead`, which copies what it
 * keeps). This skips what the 'data' path costs per read: a new 64 KiB ArrayBuffer outside the V8 heap (whose
 * growth triggers full collections when large replies stream in) and the Readable stream's push and emit. 'end',
 * 'close' and 'error' are emitted as usual.
 */
import type { OnReadOpts } from 'node:net';

/** As large as the chunks Node reads by default. */
const READ_BUFFER_BYTES = 64 * 1024;

type ReadConsumer = (target: Buffer, nread: number) => void;

export class SocketReads {
  private consume: ReadConsumer | null = null;
  /** Reads before `attach` (the server speaks only when spoken to, so none are expected), kept as copies. */
  private early: Buffer[] = [];

  /** The option given to `net.connect`, before the connection that decodes the reads exists. */
  readonly onread: OnReadOpts = {
    // Zero-filled, once per connection: memory from allocUnsafe may still hold what the process freed earlier (an
    // encoded AUTH, a password), and this buffer lives as long as the socket.
    buffer: Buffer.alloc(READ_BUFFER_BYTES),
    callback: (nread, target) => {
      if (this.consume !== null) this.consume(target as Buffer, nread);
      else this.early.push(Buffer.from(target.subarray(0, nread)));
      return true;
    },
  };

  /** Hands every read from now on to `consume`; returns the reads that came before, to be fed first. */
  attach(consume: ReadConsumer): Buffer[] {
    this.consume = consume;
    const early = this.early;
    this.early = [];
    return early;
  }
}
