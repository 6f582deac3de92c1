/**
 * Reads of a socket (TCP, or TLS: decrypted bytes) into memory the connection owns, through Node's `onread` option: every read lands in
 * one reused buffer, or straight into the buffer of a large bulk string still incomplete (the decoder's
 * `readTarget`), and is decoded from there. This skips what the 'data' path costs per read: a new 64 KiB
 * ArrayBuffer and Buffer, and the Readable stream's push and emit. 'end', 'close' and 'error' are emitted as usual.
 */
import type { OnReadOpts } from 'node:net';
import type { RespDecoder } from '../resp/decoder.js';

/** As large as the chunks Node reads by default. */
const READ_BUFFER_BYTES = 64 * 1024;

type ReadConsumer = (target: Buffer, nread: number) => void;

export class SocketReads {
  private readonly shared = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  private decoder: RespDecoder | null = null;
  private consume: ReadConsumer | null = null;
  /** Reads before `attach` (the server speaks only when spoken to, so none are expected), kept as copies. */
  private early: Buffer[] = [];

  /** The option given to `net.connect`, before the connection that decodes the reads exists. */
  readonly onread: OnReadOpts = {
    buffer: () => (this.decoder === null ? this.shared : this.decoder.readTarget(this.shared)),
    callback: (nread, target) => {
      if (this.consume !== null) this.consume(target as Buffer, nread);
      else this.early.push(Buffer.from(target.subarray(0, nread)));
      return true;
    },
  };

  /**
   * Hands every read from now on to `consume`, which decodes it with `decoder.feedRead(target, nread)`; returns
   * the reads that came before, to be fed first.
   */
  attach(decoder: RespDecoder, consume: ReadConsumer): Buffer[] {
    this.decoder = decoder;
    this.consume = consume;
    const early = this.early;
    this.early = [];
    return early;
  }
}
