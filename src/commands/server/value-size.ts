import { EXTERNAL_STRING_MIN_BYTES, isExternalString } from '../../lib/external-strings.js';
import { isStringValue, stringValueLength, stringValueText, type StoredValue } from '../../keyspace/stored-value.js';

/**
 * Estimates of a key's footprint in the V8 heap (MEMORY USAGE), documented in
 * docs/memory-accounting.md. A one-byte V8 string costs a 16-byte header (map pointer, hash,
 * length) plus its bytes rounded up to 8. The per-key overhead is what remains of the ~126
 * heap bytes measured per small string key (docs/keyspace-layout.md: a Map entry amortized
 * over the table's spare capacity, plus two cells of the slot's flat array) once the key and
 * value strings (24 bytes each for short ones) are taken out.
 */
export const STRING_HEADER_BYTES = 16;
export const PER_KEY_OVERHEAD_BYTES = 78;
/** A second Map entry (expires) plus the boxed double holding the deadline. */
export const EXPIRE_ENTRY_BYTES = 56;

export function stringBytes(length: number): number {
  return STRING_HEADER_BYTES + Math.ceil(length / 8) * 8;
}

/**
 * An external string (a large argument, docs/external-strings.md): V8's 32-byte header, the
 * native resource object (24 bytes, a 32-byte malloc chunk) and the bytes in their own malloc
 * chunk (8 bytes of malloc header, rounded up to 16).
 */
export function externalStringBytesOf(length: number): number {
  return 32 + 32 + Math.ceil((length + 8) / 16) * 16;
}

/** Bytes of a stored value: strings exactly as V8 lays them out; containers ask their type. */
export function valueBytes(value: StoredValue): number {
  if (isStringValue(value)) {
    // A RawString is a JS object around a Buffer: count the Buffer's capacity and the wrapper.
    if (typeof value !== 'string') return 32 + 96 + value.bytes.length;
    if (value.length >= EXTERNAL_STRING_MIN_BYTES && isExternalString(value)) return externalStringBytesOf(value.length);
    return stringBytes(stringValueLength(value));
  }
  return value.memoryUsageBytes();
}

/** Redis's rdbSavedObjectLen for a string, without LZF compression (see DEBUG OBJECT docs). */
export function serializedStringLength(value: string): number {
  if (value.length <= 11 && /^-?(0|[1-9][0-9]*)$/.test(value)) {
    const n = Number(value);
    if (n >= -128 && n <= 127) return 2;
    if (n >= -32768 && n <= 32767) return 3;
    if (n >= -2147483648 && n <= 2147483647) return 5;
  }
  const len = value.length;
  const prefix = len < 1 << 6 ? 1 : len < 1 << 14 ? 2 : len <= 0xffffffff ? 5 : 9;
  return prefix + len;
}

export function serializedValueLength(value: StoredValue): number {
  return isStringValue(value) ? serializedStringLength(stringValueText(value)) : value.memoryUsageBytes();
}
