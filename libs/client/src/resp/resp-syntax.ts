/**
 * What the parts of the RESP decoder share: the limits of a line, and the error for input that is not RESP.
 *
 * The type bytes (`$`, `*`, `+`...) are not here: each part declares the few it tests as module-local constants,
 * which V8 folds into the compiled code, while an imported constant is loaded from its module cell at every use
 * (measured under callgrind: twice the instructions in a byte-dispatch loop).
 */
import { ProtocolError } from '../errors.js';

/**
 * The longest a length, integer, boolean or null line may be, type byte and CRLF included. Anything longer is
 * malformed; the limit keeps a stream of digits without CRLF from being buffered forever.
 */
export const MAX_SHORT_LINE = 32;

/** Shows a type byte in an error message without echoing anything else the server sent. */
export function showByte(c: number): string {
  const hex = `0x${c.toString(16).padStart(2, '0')}`;
  return c >= 0x21 && c <= 0x7e ? `${hex} ('${String.fromCharCode(c)}')` : hex;
}

export function protocolError(message: string): ProtocolError {
  return new ProtocolError(`Invalid RESP from the server: ${message}. The connection must be reset.`);
}
