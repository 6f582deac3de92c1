/**
 * The decoder's parse loop: reads the elements of one buffer, type byte by type byte, hands each complete value to
 * the frame stack or the handlers, and keeps an element cut by the end of the buffer for the next chunk.
 *
 * The common replies come first (`+OK`, `$<length>`, `:<integer>`), and the readers it calls are small enough for
 * V8 to inline: the state it touches is the fields of one `DecoderState`, and nothing is allocated but the values.
 */
import type { DecoderState } from './decoder-state.js';
import { appendValue, openAggregate, tooDeep } from './frame-stack.js';
import { readIntegerLine } from './integer-reader.js';
import { lineEnd } from './line-reader.js';
import { keepBulk, keepLine } from './partial-element.js';
import { protocolError, showByte } from './resp-syntax.js';
import {
  copyBytes,
  decodeText,
  parseBigNumber,
  parseDouble,
  replyError,
  stringValue,
  utf8,
} from './scalar-readers.js';

const CR = 13;
const LF = 10;

// Module-local, so that V8 compiles the dispatch below against constants (see resp-syntax.ts).
const T_BULK = 36; // $
const T_ARRAY = 42; // *
const T_SIMPLE = 43; // +
const T_ERROR = 45; // -
const T_INTEGER = 58; // :
const T_NULL = 95; // _
const T_DOUBLE = 44; // ,
const T_BOOLEAN = 35; // #
const T_BIG_NUMBER = 40; // (
const T_BULK_ERROR = 33; // !
const T_VERBATIM = 61; // =
const T_MAP = 37; // %
const T_SET = 126; // ~
const T_ATTRIBUTE = 124; // |
const T_PUSH = 62; // >

/** Decodes elements from `buf[start]` on until the buffer ends; keeps an incomplete one for the next chunk. */
export function parseElements(s: DecoderState, buf: Buffer, start: number): void {
  const length = buf.length;
  const generation = s.generation;
  let i = start;
  while (i < length) {
    const type = buf[i]!;
    let value: unknown;
    switch (type) {
      case T_SIMPLE: {
        if (
          i + 4 < length &&
          buf[i + 1] === 79 /* O */ &&
          buf[i + 2] === 75 /* K */ &&
          buf[i + 3] === CR &&
          buf[i + 4] === LF
        ) {
          value = 'OK';
          i += 5;
          break;
        }
        const end = lineEnd(buf, i, s.maxBulkLength);
        if (end === -1) {
          keepLine(s, buf, i);
          return;
        }
        value = decodeText(buf, i + 1, end);
        i = end + 2;
        break;
      }
      case T_BULK:
      case T_INTEGER:
      case T_ARRAY:
      case T_BULK_ERROR:
      case T_VERBATIM:
      case T_SET:
      case T_MAP:
      case T_PUSH:
      case T_ATTRIBUTE: {
        // One call site for every integer line: V8 inlines the reader once, whatever else uses its inlining budget.
        const next = readIntegerLine(
          s,
          buf,
          i,
          type === T_INTEGER ? Number.MAX_SAFE_INTEGER : s.maxBulkLength,
        );
        if (next === -1) {
          keepLine(s, buf, i);
          return;
        }
        if (type === T_INTEGER) {
          value = s.integer;
          i = next;
          break;
        }
        const n = s.integer as number;
        if (type === T_BULK || type === T_BULK_ERROR || type === T_VERBATIM) {
          if (n === -1) {
            if (type !== T_BULK) throw protocolError(`a null ${showByte(type)} element`);
            value = null;
            i = next;
            break;
          }
          const end = next + n;
          if (end + 1 >= length) {
            keepBulk(s, type, n, buf, next);
            return;
          }
          if (buf[end] !== CR || buf[end + 1] !== LF) {
            throw protocolError(`missing CRLF after a ${showByte(type)} payload`);
          }
          if (type === T_BULK) {
            value = s.returnBuffers ? copyBytes(buf, next, end) : decodeText(buf, next, end);
          } else {
            value = stringValue(type, buf, next, end, false, s.returnBuffers);
          }
          i = end + 2;
          break;
        }
        i = next;
        if (n > 0) {
          openAggregate(s, type, n, length - i);
          continue;
        }
        if (n === -1) {
          if (type === T_PUSH || type === T_ATTRIBUTE)
            throw protocolError(`a null ${showByte(type)} element`);
          value = null;
          break;
        }
        // An empty aggregate opens no frame, but still counts as a level of nesting.
        if (s.depth >= s.maxNesting) throw tooDeep(s);
        if (type === T_ATTRIBUTE) {
          s.handlers.onAttribute?.(new Map());
          if (generation !== s.generation) return;
          continue;
        }
        if (type === T_PUSH && s.depth === 0) {
          s.handlers.onPush([]);
          if (generation !== s.generation) return;
          continue;
        }
        value = type === T_MAP ? new Map() : [];
        break;
      }
      case T_ERROR: {
        const end = lineEnd(buf, i, s.maxBulkLength);
        if (end === -1) {
          keepLine(s, buf, i);
          return;
        }
        value = replyError(utf8(buf, i + 1, end));
        i = end + 2;
        break;
      }
      case T_NULL: {
        const a = buf[i + 1];
        const b = buf[i + 2];
        if ((a !== undefined && a !== CR) || (b !== undefined && b !== LF)) {
          throw protocolError('malformed null');
        }
        if (b === undefined) {
          keepLine(s, buf, i);
          return;
        }
        value = null;
        i += 3;
        break;
      }
      case T_BOOLEAN: {
        const a = buf[i + 1];
        const b = buf[i + 2];
        const c = buf[i + 3];
        if (
          (a !== undefined && a !== 116 /* t */ && a !== 102) /* f */ ||
          (b !== undefined && b !== CR) ||
          (c !== undefined && c !== LF)
        ) {
          throw protocolError('malformed boolean');
        }
        if (c === undefined) {
          keepLine(s, buf, i);
          return;
        }
        value = a === 116;
        i += 4;
        break;
      }
      case T_DOUBLE:
      case T_BIG_NUMBER: {
        const end = lineEnd(buf, i, s.maxBulkLength);
        if (end === -1) {
          keepLine(s, buf, i);
          return;
        }
        value = type === T_DOUBLE ? parseDouble(buf, i + 1, end) : parseBigNumber(buf, i + 1, end);
        i = end + 2;
        break;
      }
      default:
        throw protocolError(`unknown type byte ${showByte(type)}`);
    }
    if (s.depth === 0) s.handlers.onReply(value);
    else appendValue(s, value);
    if (generation !== s.generation) return;
  }
}
