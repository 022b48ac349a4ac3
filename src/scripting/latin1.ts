import type { LuaString } from 'fengari';

/** Wire strings (latin1, one char per byte) to Lua strings (bytes) and back: binary safe. */
export function toLua(text: string): LuaString {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

export function fromLua(bytes: LuaString): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
