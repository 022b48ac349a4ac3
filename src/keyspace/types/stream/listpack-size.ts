import { parseCanonicalInteger } from '../../stored-value.js';

/**
 * Byte sizes of Redis listpack elements (listpack.c), so the stream splits its nodes where
 * Redis would (stream-node-max-bytes): approximate trimming (MAXLEN ~) and XINFO's
 * radix-tree-keys depend on those boundaries.
 */

/** An integer element with its backlen byte. */
export function listpackIntBytes(value: number | bigint): number {
  if (value >= 0 && value <= 127) return 2;
  if (value >= -4096 && value <= 4095) return 3;
  if (value >= -32768 && value <= 32767) return 4;
  if (value >= -8388608 && value <= 8388607) return 5;
  if (value >= -2147483648 && value <= 2147483647) return 6;
  return 10;
}

function backlenBytes(encodedBytes: number): number {
  if (encodedBytes <= 127) return 1;
  if (encodedBytes < 16383) return 2;
  if (encodedBytes < 2097151) return 3;
  if (encodedBytes < 268435455) return 4;
  return 5;
}

/** A string element: listpack stores canonical integers as integers. */
export function listpackStringBytes(text: string): number {
  const length = text.length;
  if (length <= 20 && length > 0) {
    const c = text.charCodeAt(length - 1);
    if (c >= 48 && c <= 57) {
      const asInteger = parseCanonicalInteger(text);
      if (asInteger !== null) return listpackIntBytes(asInteger);
    }
  }
  const header = length < 64 ? 1 : length < 4096 ? 2 : 5;
  return header + length + backlenBytes(header + length);
}

/** An empty listpack: 6 header bytes and the end byte. */
export const LISTPACK_EMPTY_BYTES = 7;
