/** The one line reader of the decoder: where the line of a simple string, error, double or big number ends. */
import { CR, LF, protocolError, showByte } from './resp-syntax.js';

/** How many bytes of a line are scanned in JavaScript for its end before asking `Buffer#indexOf`. */
const SHORT_SCAN = 32;

/**
 * The end (the CR) of the line that starts with the type byte at `buf[start]`, or -1 when it is incomplete.
 * Throws when the LF is not preceded by a CR, or the line is longer than `maxBulkLength`.
 */
export function lineEnd(buf: Buffer, start: number, maxBulkLength: number): number {
  const length = buf.length;
  // Most lines are short: look at their first bytes in JavaScript, cheaper than a call into native code.
  const stop = Math.min(start + SHORT_SCAN, length);
  let lf = -1;
  for (let j = start + 1; j < stop; j++) {
    if (buf[j] === LF) {
      lf = j;
      break;
    }
  }
  if (lf === -1) {
    if (stop === length) return -1;
    lf = buf.indexOf(LF, stop);
    if (lf === -1) return -1;
  }
  if (buf[lf - 1] !== CR)
    throw protocolError(`a line not ended by CRLF in a ${showByte(buf[start]!)} element`);
  if (lf - 2 - start > maxBulkLength) {
    throw protocolError(`a ${showByte(buf[start]!)} line is longer than maxBulkLength (${maxBulkLength})`);
  }
  return lf - 1;
}
