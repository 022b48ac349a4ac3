import { loadNativeModule } from './native-module.js';

/**
 * Large command arguments as V8 external strings (docs/external-strings.md): the bytes live
 * outside the V8 heap, so the young-generation GC copies a small header instead of the bytes
 * when a stored value survives. The native module is optional (scripts/build-native.mjs): when
 * it is missing, or TESSERA_NATIVE_STRINGS=off, arguments are ordinary heap strings.
 */

/** Arguments of at least this many bytes become external strings (measured: docs/external-strings.md). */
export const EXTERNAL_STRING_MIN_BYTES = 512;

interface NativeStrings {
  latin1(buffer: Uint8Array, start: number, end: number): string;
  liveBytes(): number;
  majorGcRequests(): number;
  isExternal(text: string): boolean;
}

const native = loadNativeModule<NativeStrings>('tessera_strings.node', 'TESSERA_NATIVE_STRINGS');

/** Whether large arguments become external strings in this process. */
export const externalStringsEnabled = native !== undefined;

/** buffer[start, end) as a latin1 string: external when the native module is loaded. */
export const largeLatin1: (buffer: Buffer, start: number, end: number) => string =
  native === undefined ? (buffer, start, end) => buffer.latin1Slice(start, end) : native.latin1;

/** Bytes held by external strings V8 has not finalized (live ones, and garbage until the next major GC). */
export function externalStringBytes(): number {
  return native === undefined ? 0 : native.liveBytes();
}

/** Major GCs the native module started because external bytes grew (INFO, tests). */
export function externalStringGcRequests(): number {
  return native === undefined ? 0 : native.majorGcRequests();
}

/** Whether V8 holds `text` as an external string (tests); false without the native module. */
export function isExternalString(text: string): boolean {
  return native === undefined ? false : native.isExternal(text);
}
