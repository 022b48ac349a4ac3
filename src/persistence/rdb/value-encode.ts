import type { StoredValue } from '../../keyspace/stored-value.js';
import { RdbOutput } from './rdb-output.js';

export { RdbOutput };

export interface EncodeOptions {
  /** rdbcompression: LZF for strings and blobs over 20 bytes. */
  readonly compress: boolean;
  /** list-max-listpack-size (default -2: 8 KB nodes), to split quicklist nodes where Redis would. */
  readonly listMaxListpackSize?: number;
}

/** The RDB object type byte Redis 7.0 writes for this value. */
export function rdbTypeOf(value: StoredValue): number {
  void value;
  throw new Error('not implemented');
}

/** The value's body (after the type byte and, in a file, the key). */
export function encodeValueBody(value: StoredValue, out: RdbOutput, options: EncodeOptions): void {
  void value;
  void out;
  void options;
  throw new Error('not implemented');
}

/** One value as Redis 7.0 writes it: type byte, then the body (a DUMP payload's start). */
export function encodeValue(value: StoredValue, out: RdbOutput, options: EncodeOptions): void {
  out.byte(rdbTypeOf(value));
  encodeValueBody(value, out, options);
}
