import type { LuaString } from 'fengari';

/** Wire strings (latin1, one char per byte) to Lua strings (bytes) and back: binary safe. */
export function toLua(text: string): LuaString {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

/** Below this length a string is decoded by String.fromCharCode (no Buffer made). */
const SHORT_STRING_BYTES = 64;

export function fromLua(bytes: LuaString): string {
  if (bytes.length <= SHORT_STRING_BYTES) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
