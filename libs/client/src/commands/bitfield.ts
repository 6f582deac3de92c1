import type { RedisArg, RedisKey } from '../command.js';
import { LcsCommands } from './lcs.js';

/** An integer type of BITFIELD: `i5` (signed, 5 bits), `u8` (unsigned, 8 bits)... up to i64 / u63. */
export type BitfieldEncoding = `${'i' | 'u'}${number}`;

/** An offset of BITFIELD: in bits, or `#n` for the n-th integer of the encoding's width. */
export type BitfieldOffset = number | `#${number}`;

/** One operation of BITFIELD, in the order given. */
export type BitfieldOperation =
  | { get: { encoding: BitfieldEncoding; offset: BitfieldOffset } }
  | { set: { encoding: BitfieldEncoding; offset: BitfieldOffset; value: number } }
  | { incrby: { encoding: BitfieldEncoding; offset: BitfieldOffset; increment: number } }
  /** How the SET and INCRBY after it handle overflow: wrap around (default), saturate, or fail (null). */
  | { overflow: 'WRAP' | 'SAT' | 'FAIL' };

function pushOperation(args: RedisArg[], operation: BitfieldOperation): void {
  if ('get' in operation) args.push('GET', operation.get.encoding, operation.get.offset);
  else if ('set' in operation)
    args.push('SET', operation.set.encoding, operation.set.offset, operation.set.value);
  else if ('incrby' in operation) {
    args.push('INCRBY', operation.incrby.encoding, operation.incrby.offset, operation.incrby.increment);
  } else args.push('OVERFLOW', operation.overflow);
}

/** BITFIELD and BITFIELD_RO: integers of any width at any bit offset of a string. */
export abstract class BitfieldCommands<S extends string | Buffer = string, Info = string> extends LcsCommands<
  S,
  Info
> {
  /**
   * BITFIELD: runs the operations in order; one result per GET, SET (the old value) and INCRBY (the new value),
   * null where OVERFLOW FAIL stopped one.
   */
  bitfield(key: RedisKey, operations: readonly BitfieldOperation[]): Promise<(number | null)[]> {
    const args: RedisArg[] = [key];
    for (const operation of operations) pushOperation(args, operation);
    return this.sendCommand({ name: 'BITFIELD', args, returnBuffers: false });
  }

  /** BITFIELD_RO: reads integers (read-only: may go to a replica); one result per GET. */
  bitfieldRo(
    key: RedisKey,
    gets: readonly { encoding: BitfieldEncoding; offset: BitfieldOffset }[],
  ): Promise<number[]> {
    const args: RedisArg[] = [key];
    for (const get of gets) args.push('GET', get.encoding, get.offset);
    return this.sendCommand({ name: 'BITFIELD_RO', args, returnBuffers: false });
  }
}
