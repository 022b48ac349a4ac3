import { RawString } from './raw-string.js';

export { RawString };

/** The Redis type names, as TYPE prints them. */
export type ValueTypeName = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

/**
 * A container value (list, set, zset, hash, stream). Each type has its own file; this is the
 * part the keyspace and generic commands (TYPE, OBJECT ENCODING, MEMORY USAGE) need.
 */
export interface ContainerValue {
  readonly type: Exclude<ValueTypeName, 'string'>;
  /** OBJECT ENCODING, chosen by the same size thresholds Redis uses. */
  encoding(): string;
  /** Number of elements; the keyspace deletes a container that becomes empty. */
  readonly size: number;
  /** A deep copy (COPY). */
  clone(): ContainerValue;
  /** Estimated bytes (MEMORY USAGE). */
  memoryUsageBytes(): number;
}

/**
 * What a key holds. Most string values are immutable latin1 JS strings (compact, no wrapper);
 * strings edited in place become RawString.
 */
export type StoredValue = string | RawString | ContainerValue;

export function typeOfValue(value: StoredValue): ValueTypeName {
  if (typeof value === 'string' || value instanceof RawString) return 'string';
  return value.type;
}

export function isStringValue(value: StoredValue): value is string | RawString {
  return typeof value === 'string' || value instanceof RawString;
}

/** The bytes of a string value as a latin1 string. */
export function stringValueText(value: string | RawString): string {
  return typeof value === 'string' ? value : value.toString();
}

export function stringValueLength(value: string | RawString): number {
  return value.length;
}

/** Redis's OBJECT_ENCODING_EMBSTR_SIZE_LIMIT. */
export const EMBSTR_MAX_BYTES = 44;

/** OBJECT ENCODING of any value. */
export function encodingOfValue(value: StoredValue): string {
  if (value instanceof RawString) return 'raw';
  if (typeof value === 'string') {
    if (value.length <= 20 && parseCanonicalInteger(value) !== null) return 'int';
    return value.length <= EMBSTR_MAX_BYTES ? 'embstr' : 'raw';
  }
  return value.encoding();
}

/**
 * Redis's string2ll: the text is a canonical signed 64-bit integer (no '+', no leading zeros,
 * no spaces). Returns it as a bigint, or null.
 */
export function parseCanonicalInteger(text: string): bigint | null {
  const len = text.length;
  if (len === 0 || len > 20) return null;
  let i = 0;
  if (text.charCodeAt(0) === 45) {
    if (len === 1) return null;
    i = 1;
  }
  const first = text.charCodeAt(i);
  if (first === 48) return len === 1 ? 0n : null;
  for (; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const value = BigInt(text);
  if (value > 9223372036854775807n || value < -9223372036854775808n) return null;
  return value;
}
