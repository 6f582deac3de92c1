import type { Socket } from 'node:net';
import type { Request } from './request.js';

/**
 * Writes the payloads of a batch's requests, in order, skipping those already settled (timed out before they were
 * written: they never reach the server). Text goes out as one string; a command with a large argument has that
 * argument's own bytes between the rest of its text, without a copy, in one corked series of writes. False when
 * the socket did not take it all (backpressure).
 */
export function writePayloads(socket: Socket, batch: readonly Request[]): boolean {
  let text = '';
  let chunks: (string | Uint8Array)[] | null = null;
  for (let i = 0; i < batch.length; i++) {
    const request = batch[i]!;
    if (request.done) continue;
    const payload = request.payload;
    if (typeof payload === 'string') {
      text += payload;
      continue;
    }
    if (chunks === null) chunks = [];
    if (text.length > 0) {
      chunks.push(text);
      text = '';
    }
    if (payload instanceof Uint8Array) {
      chunks.push(payload);
      continue;
    }
    for (const part of payload) {
      if (typeof part === 'string') text += part;
      else {
        if (text.length > 0) {
          chunks.push(text);
          text = '';
        }
        chunks.push(part);
      }
    }
  }
  let accepted = true;
  if (chunks === null) {
    if (text.length > 0) accepted = socket.write(text);
  } else {
    if (text.length > 0) chunks.push(text);
    socket.cork();
    for (const chunk of chunks) accepted = socket.write(chunk);
    socket.uncork();
  }
  return accepted;
}
