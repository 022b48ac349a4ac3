/**
 * Redis's intset as one latin1 string: sorted integers of one width (2, 4 or 8 bytes, the
 * smallest that fits every member; widened, never narrowed, like Redis). The first char is the
 * width; each member is stored big-endian with its sign bit flipped, so the order of the
 * stored chars is the numeric order and a binary search compares chars directly. Ten small
 * integers take 16 + 24 bytes here, where an array of strings took ~350.
 */

const TWO_32 = 2 ** 32;
const TWO_31 = 2 ** 31;

/** An int64 split for exact arithmetic without bigint: value = hi * 2^32 + lo. */
interface Int64Parts {
  hi: number;
  lo: number;
}

/** Parts of a canonical integer text (already checked to be an int64). */
function partsOf(text: string): Int64Parts {
  if (text.length <= 15) {
    const value = Number(text);
    const hi = Math.floor(value / TWO_32);
    return { hi, lo: value - hi * TWO_32 };
  }
  const value = BigInt(text);
  return { hi: Number(BigInt.asIntN(32, value >> 32n)), lo: Number(value & 0xffffffffn) };
}

function textOf(parts: Int64Parts): string {
  const { hi, lo } = parts;
  if (hi >= -(2 ** 20) && hi < 2 ** 20) return String(hi * TWO_32 + lo);
  return ((BigInt(hi) << 32n) + BigInt(lo)).toString();
}

function widthFor(parts: Int64Parts): number {
  const { hi, lo } = parts;
  // value in [-2^15, 2^15): hi is 0 with lo < 2^15, or -1 with lo >= 2^32 - 2^15.
  if ((hi === 0 && lo < 0x8000) || (hi === -1 && lo >= TWO_32 - 0x8000)) return 2;
  if ((hi === 0 && lo < TWO_31) || (hi === -1 && lo >= TWO_31)) return 4;
  return 8;
}

/** The stored chars of a value at a width. */
function encode(parts: Int64Parts, width: number): string {
  const { hi, lo } = parts;
  if (width === 2) {
    const u = (lo + 0x8000) % 0x10000;
    return String.fromCharCode(u >>> 8, u & 0xff);
  }
  if (width === 4) {
    const u = (lo + TWO_31) % TWO_32;
    return String.fromCharCode(u >>> 24, (u >>> 16) & 0xff, (u >>> 8) & 0xff, u & 0xff);
  }
  const h = hi + TWO_31;
  return String.fromCharCode(h >>> 24, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff);
}

function decode(packed: string, at: number, width: number): Int64Parts {
  if (width === 2) {
    const u = packed.charCodeAt(at) * 256 + packed.charCodeAt(at + 1);
    const value = u - 0x8000;
    return value < 0 ? { hi: -1, lo: value + TWO_32 } : { hi: 0, lo: value };
  }
  const u = packed.charCodeAt(at) * 0x1000000 + packed.charCodeAt(at + 1) * 0x10000 + packed.charCodeAt(at + 2) * 0x100 + packed.charCodeAt(at + 3);
  if (width === 4) {
    const value = u - TWO_31;
    return value < 0 ? { hi: -1, lo: value + TWO_32 } : { hi: 0, lo: value };
  }
  const lo = packed.charCodeAt(at + 4) * 0x1000000 + packed.charCodeAt(at + 5) * 0x10000 + packed.charCodeAt(at + 6) * 0x100 + packed.charCodeAt(at + 7);
  return { hi: u - TWO_31, lo };
}

/** An empty intset (2-byte width, like Redis's intsetNew). */
export const EMPTY_INTSET = String.fromCharCode(2);

export function intsetWidth(packed: string): number {
  return packed.charCodeAt(0);
}

export function intsetSize(packed: string): number {
  return (packed.length - 1) / packed.charCodeAt(0);
}

/** Index of the encoded key, or -(insertion point) - 1. */
function search(packed: string, key: string, width: number): number {
  let low = 0;
  let high = (packed.length - 1) / width - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const at = 1 + mid * width;
    let order = 0;
    for (let i = 0; i < width && order === 0; i++) order = packed.charCodeAt(at + i) - key.charCodeAt(i);
    if (order < 0) low = mid + 1;
    else if (order > 0) high = mid - 1;
    else return mid;
  }
  return -low - 1;
}

/** Whether a canonical int64 text is in the intset. */
export function intsetHas(packed: string, text: string): boolean {
  const parts = partsOf(text);
  const width = packed.charCodeAt(0);
  if (widthFor(parts) > width) return false;
  return search(packed, encode(parts, width), width) >= 0;
}

/** The intset with a canonical int64 text added, or the same string when already there. */
export function intsetAdd(packed: string, text: string): string {
  const parts = partsOf(text);
  let width = packed.charCodeAt(0);
  const needed = widthFor(parts);
  if (needed > width) {
    // Redis's intsetUpgradeAndAdd: every member re-encoded at the new width.
    let widened = String.fromCharCode(needed);
    for (let at = 1; at < packed.length; at += width) widened += encode(decode(packed, at, width), needed);
    packed = flatten(widened);
    width = needed;
  }
  const key = encode(parts, width);
  const found = search(packed, key, width);
  if (found >= 0) return packed;
  const at = 1 + (-found - 1) * width;
  return flatten(packed.slice(0, at) + key + packed.slice(at));
}

/** The intset without a canonical int64 text, or the same string when absent. */
export function intsetDelete(packed: string, text: string): string {
  const parts = partsOf(text);
  const width = packed.charCodeAt(0);
  if (widthFor(parts) > width) return packed;
  const found = search(packed, encode(parts, width), width);
  if (found < 0) return packed;
  const at = 1 + found * width;
  return flatten(packed.slice(0, at) + packed.slice(at + width));
}

/** The member at an index, as decimal text. */
export function intsetAt(packed: string, index: number): string {
  const width = packed.charCodeAt(0);
  return textOf(decode(packed, 1 + index * width, width));
}

/** Every member in ascending order, as decimal texts. */
export function intsetMembers(packed: string): string[] {
  const width = packed.charCodeAt(0);
  const out: string[] = [];
  for (let at = 1; at < packed.length; at += width) out.push(textOf(decode(packed, at, width)));
  return out;
}

let scratch = Buffer.allocUnsafe(1024);

/**
 * A flat copy of a concatenation: V8 keeps `a + b` as a cons-string tree (more bytes than the
 * text), which a long-lived value should not hold on to.
 */
function flatten(text: string): string {
  if (text.length > scratch.length) scratch = Buffer.allocUnsafe(Math.max(text.length, scratch.length * 2));
  scratch.latin1Write(text, 0);
  const flat = scratch.latin1Slice(0, text.length);
  if (scratch.length > 1024 * 1024) scratch = Buffer.allocUnsafe(1024);
  return flat;
}
