/** The bytes of RESP2 and RESP3, the decoder's limits, and its one kind of error. */
import { ProtocolError } from '../errors.js';

export const CR = 13;
export const LF = 10;

export const T_BULK = 36; // $
export const T_ARRAY = 42; // *
export const T_SIMPLE = 43; // +
export const T_ERROR = 45; // -
export const T_INTEGER = 58; // :
export const T_NULL = 95; // _
export const T_DOUBLE = 44; // ,
export const T_BOOLEAN = 35; // #
export const T_BIG_NUMBER = 40; // (
export const T_BULK_ERROR = 33; // !
export const T_VERBATIM = 61; // =
export const T_MAP = 37; // %
export const T_SET = 126; // ~
export const T_ATTRIBUTE = 124; // |
export const T_PUSH = 62; // >

export const DEFAULT_MAX_NESTING = 128;
export const DEFAULT_MAX_BULK_LENGTH = 512 * 1024 * 1024;

/**
 * The longest a length, integer, boolean or null line may be, type byte and CRLF included. Anything longer is
 * malformed; the limit keeps a stream of digits without CRLF from being buffered forever.
 */
export const MAX_SHORT_LINE = 32;

/** True for types whose line is a length, an integer, a boolean or a null: short by definition. */
export function isShortLine(type: number): boolean {
  return type !== T_SIMPLE && type !== T_ERROR && type !== T_DOUBLE && type !== T_BIG_NUMBER;
}

/** Shows a type byte in an error message without echoing anything else the server sent. */
export function showByte(c: number): string {
  const hex = `0x${c.toString(16).padStart(2, '0')}`;
  return c >= 0x21 && c <= 0x7e ? `${hex} ('${String.fromCharCode(c)}')` : hex;
}

export function protocolError(message: string): ProtocolError {
  return new ProtocolError(`Invalid RESP from the server: ${message}. The connection must be reset.`);
}
