import { HashValue } from '../../keyspace/types/hash/hash-value.js';
import { CHUNK_MAX_BYTES, CHUNK_MAX_ITEMS } from '../../keyspace/types/list/chunk.js';
import { ListValue } from '../../keyspace/types/list/list-value.js';
import { SetValue, SMALL_SET_MAX_MEMBER_BYTES, SMALL_SET_MAX_MEMBERS } from '../../keyspace/types/set/set-value.js';
import { SortedSet } from '../../keyspace/types/zset/sorted-set.js';
import { strtod } from '../../keyspace/types/zset/strtod.js';
import { QUICKLIST_NODE_PACKED } from './constants.js';
import type { RdbInput, ByteView } from './rdb-input.js';

/**
 * Load fast paths: the common small containers of an RDB file decoded straight into the packed
 * in-memory encodings (hash-value.ts's packed pairs, packed-list.ts's zset text, set-value.ts's
 * small packed set), one latin1Slice per value instead of one temporary string per element plus
 * one rebuilt packed string per insert. Each returns undefined for anything unusual (a malformed
 * blob, an int64 element, a duplicate, a size past the limits, an order it does not expect):
 * the caller then takes the general path, which gives the same result or the precise error.
 * docs/rdb-format.md "Speed".
 */

/** Scratch output: the packed string is built here, then sliced once. */
let out = Buffer.allocUnsafe(64 * 1024);
/** Entry starts and lengths in `out` (duplicate checks, zset order). */
let starts = new Int32Array(1024);
let lengths = new Int32Array(1024);

/** Above this many pairs/members the pairwise duplicate check costs more than the general path. */
const MAX_DIRECT_ENTRIES = 128;

function ensureOut(bytes: number): void {
  if (out.length < bytes) out = Buffer.allocUnsafe(Math.max(bytes, out.length * 2));
}

// The element last read by lpElement: a string at buf[elStart, elStart + elLength), or an integer.
let elIsInt = false;
let elInt = 0;
let elStart = 0;
let elLength = 0;

/**
 * Reads the listpack element at `p` (before `last`, the end byte); returns the position of the
 * next one, or -1 (malformed, or an int64 element: the general path handles those).
 */
function lpElement(buf: Buffer, p: number, last: number): number {
  const b = buf[p] as number;
  let entryLen: number;
  if (b < 0x80) {
    elIsInt = true;
    elInt = b;
    entryLen = 1;
  } else if (b < 0xc0) {
    elIsInt = false;
    elStart = p + 1;
    elLength = b & 0x3f;
    entryLen = 1 + elLength;
  } else if (b < 0xe0) {
    if (p + 2 > last) return -1;
    const u = ((b & 0x1f) << 8) | (buf[p + 1] as number);
    elIsInt = true;
    elInt = u >= 1 << 12 ? u - (1 << 13) : u;
    entryLen = 2;
  } else if (b < 0xf0) {
    if (p + 2 > last) return -1;
    elIsInt = false;
    elStart = p + 2;
    elLength = ((b & 0x0f) << 8) | (buf[p + 1] as number);
    entryLen = 2 + elLength;
  } else if (b === 0xf1) {
    if (p + 3 > last) return -1;
    elIsInt = true;
    elInt = buf.readInt16LE(p + 1);
    entryLen = 3;
  } else if (b === 0xf2) {
    if (p + 4 > last) return -1;
    elIsInt = true;
    elInt = buf.readIntLE(p + 1, 3);
    entryLen = 4;
  } else if (b === 0xf3) {
    if (p + 5 > last) return -1;
    elIsInt = true;
    elInt = buf.readInt32LE(p + 1);
    entryLen = 5;
  } else {
    return -1;
  }
  const next = p + entryLen + (entryLen <= 127 ? 1 : entryLen < 16383 ? 2 : 3);
  return next > last ? -1 : next;
}

/** Writes a (safe) integer's decimal text at `at`; returns the position after it. */
function writeDecimal(at: number, value: number): number {
  if (value < 0) {
    out[at++] = 45;
    value = -value;
  }
  if (value < 10) {
    out[at++] = 48 + value;
    return at;
  }
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let p = at + digits;
  for (let rest = value; p > at; rest = Math.floor(rest / 10)) out[--p] = 48 + (rest % 10);
  return at + digits;
}

function digitsLength(value: number): number {
  let digits = value < 0 ? 2 : 1;
  for (let rest = Math.abs(value); rest >= 10; rest = Math.floor(rest / 10)) digits++;
  return digits;
}

/** packed-pairs.ts's length prefix: 7 bits per byte, low first, 0x80 on all but the last. */
function writeLength(at: number, length: number): number {
  while (length >= 0x80) {
    out[at++] = (length & 0x7f) | 0x80;
    length >>>= 7;
  }
  out[at++] = length;
  return at;
}

function copyBytes(buf: Buffer, from: number, length: number, at: number): number {
  if (length < 24) {
    for (let i = 0; i < length; i++) out[at + i] = buf[from + i] as number;
    return at + length;
  }
  return at + buf.copy(out, at, from, from + length);
}

/** Writes the current element's text (its bytes or an integer's decimal) with a length prefix; records it as entry `index`. */
function writeElementEntry(buf: Buffer, at: number, index: number): number {
  if (elIsInt) {
    at = writeLength(at, digitsLength(elInt));
    starts[index] = at;
    const end = writeDecimal(at, elInt);
    lengths[index] = end - at;
    return end;
  }
  at = writeLength(at, elLength);
  starts[index] = at;
  lengths[index] = elLength;
  return copyBytes(buf, elStart, elLength, at);
}

/** Whether entry `index` equals one before it (at most MAX_DIRECT_ENTRIES, so pairwise is cheap). */
function duplicateOfEarlier(index: number, stride: number): boolean {
  const start = starts[index] as number;
  const length = lengths[index] as number;
  for (let j = index - stride; j >= 0; j -= stride) {
    if (lengths[j] !== length) continue;
    const other = starts[j] as number;
    let i = 0;
    while (i < length && out[start + i] === out[other + i]) i++;
    if (i === length) return true;
  }
  return false;
}

/** Header checks shared by the listpack paths; returns the declared count or -1. */
function listpackHeader(view: ByteView): number {
  const { buf, start, end } = view;
  if (end - start < 7 || buf.readUInt32LE(start) !== end - start || buf[end - 1] !== 0xff) return -1;
  return buf.readUInt16LE(start + 4);
}

/** A hash listpack (RDB_TYPE_HASH_LISTPACK) of at most `maxEntries` pairs as a listpack HashValue. */
export function hashFromListpack(view: ByteView, maxEntries: number): HashValue | undefined {
  const declared = listpackHeader(view);
  if (declared < 2 || declared === 65535 || declared % 2 !== 0 || declared / 2 > Math.min(maxEntries, MAX_DIRECT_ENTRIES)) return undefined;
  const { buf, start, end } = view;
  // Each element grows at most from 2 bytes (a 7-bit integer with its backlen) to 4 here.
  ensureOut((end - start) * 4 + 64);
  const last = end - 1;
  let p = start + 6;
  let at = 0;
  let count = 0;
  while (p < last) {
    if (count >= declared) return undefined;
    p = lpElement(buf, p, last);
    if (p < 0) return undefined;
    at = writeElementEntry(buf, at, count);
    if (count % 2 === 0 && duplicateOfEarlier(count, 2)) return undefined;
    count++;
  }
  if (count !== declared) return undefined;
  return HashValue.fromPacked(out.latin1Slice(0, at));
}

const scoreView = new Float64Array(1);
const scoreBytes = new Uint8Array(scoreView.buffer);

/** A listpack element's score as zzlGetScore reads it, or NaN. */
function elementScore(buf: Buffer): number {
  if (elIsInt) return elInt;
  if (elLength === 0) return NaN;
  const text = buf.latin1Slice(elStart, elStart + elLength);
  const fast = Number(text);
  if (!Number.isNaN(fast)) return fast;
  const parsed = strtod(text);
  return parsed.length === 0 ? NaN : parsed.value;
}

/** Byte order of two entries of `out`: negative, 0 or positive. */
function compareEntries(a: number, b: number): number {
  const aStart = starts[a] as number;
  const bStart = starts[b] as number;
  const aLength = lengths[a] as number;
  const bLength = lengths[b] as number;
  const n = Math.min(aLength, bLength);
  for (let i = 0; i < n; i++) {
    const d = (out[aStart + i] as number) - (out[bStart + i] as number);
    if (d !== 0) return d;
  }
  return aLength - bLength;
}

/**
 * A sorted set listpack (RDB_TYPE_ZSET_LISTPACK) in strict (score, member) order, at most
 * `maxEntries` pairs, as a listpack SortedSet (packed-list.ts's text: member length in one char
 * below 255, else 255 and four big-endian chars, the member, the score's eight bytes).
 */
export function zsetFromListpack(view: ByteView, maxEntries: number): SortedSet | undefined {
  const declared = listpackHeader(view);
  if (declared < 2 || declared === 65535 || declared % 2 !== 0 || declared / 2 > maxEntries) return undefined;
  const pairs = declared / 2;
  if (starts.length < pairs) {
    starts = new Int32Array(pairs * 2);
    lengths = new Int32Array(pairs * 2);
  }
  const { buf, start, end } = view;
  // Per pair at most +13 bytes (a 1-byte integer member as up to 4 digits with a 5-byte length; a score's 8 bytes).
  ensureOut((end - start) * 4 + pairs * 16 + 64);
  const last = end - 1;
  let p = start + 6;
  let at = 0;
  let previousScore = -Infinity;
  for (let i = 0; i < pairs; i++) {
    if (p >= last) return undefined;
    p = lpElement(buf, p, last);
    if (p < 0) return undefined;
    const length = elIsInt ? digitsLength(elInt) : elLength;
    if (length < 255) {
      out[at++] = length;
    } else {
      out[at] = 255;
      out.writeUInt32BE(length, at + 1);
      at += 5;
    }
    starts[i] = at;
    lengths[i] = length;
    at = elIsInt ? writeDecimal(at, elInt) : copyBytes(buf, elStart, elLength, at);
    if (p >= last) return undefined;
    p = lpElement(buf, p, last);
    if (p < 0) return undefined;
    let score = elementScore(buf);
    if (Number.isNaN(score)) return undefined;
    // A listpack keeps scores as text, and "-0" reads back as the integer 0.
    if (score === 0) score = 0;
    if (i > 0 && (score < previousScore || (score === previousScore && compareEntries(i - 1, i) >= 0))) return undefined;
    previousScore = score;
    scoreView[0] = score;
    for (let b = 0; b < 8; b++) out[at + b] = scoreBytes[b] as number;
    at += 8;
  }
  if (p !== last) return undefined;
  return SortedSet.fromPackedListpack(out.latin1Slice(0, at), pairs);
}

/**
 * A plain RDB_TYPE_SET of `count` members (the count already read) as a small packed set, when
 * every member is a short plain string and the first is no integer (else Redis would start an
 * intset). On undefined the input is back where it was.
 */
export function smallSetFromInput(input: RdbInput, count: number): SetValue | undefined {
  if (count === 0 || count > SMALL_SET_MAX_MEMBERS || count > MAX_DIRECT_ENTRIES) return undefined;
  const buf = input.buf;
  const from = input.pos;
  const inputEnd = input.end;
  ensureOut(1 + count * (SMALL_SET_MAX_MEMBER_BYTES + 1));
  out[0] = 0; // the small set's marker
  let at = 1;
  let p = from;
  for (let i = 0; i < count; i++) {
    const first = buf[p];
    if (first === undefined || first >= 0x80) return undefined;
    let length: number;
    if (first < 0x40) {
      length = first;
      p++;
    } else {
      length = ((first & 0x3f) << 8) | (buf[p + 1] ?? 0);
      p += 2;
    }
    if (length > SMALL_SET_MAX_MEMBER_BYTES || p + length > inputEnd) return undefined;
    if (i === 0 && length > 0) {
      const c = buf[p] as number;
      if ((c >= 48 && c <= 57) || c === 45) return undefined;
    }
    out[at++] = length;
    starts[i] = at;
    lengths[i] = length;
    at = copyBytes(buf, p, length, at);
    p += length;
    if (duplicateOfEarlier(i, 1)) return undefined;
  }
  input.pos = p;
  return SetValue.fromSmallPacked(out.latin1Slice(0, at), count);
}

/**
 * A QUICKLIST_2 body (the type byte already read) of one listpack node with at most
 * CHUNK_MAX_ITEMS elements of fewer than CHUNK_MAX_BYTES bytes in all, as a list of one packed
 * chunk (chunk.ts's form: 2-byte offsets, then the bytes), what pushes and settle() make of it.
 * On undefined the input is back where it was.
 */
export function smallListFromQuicklist2(input: RdbInput): ListValue | undefined {
  const from = input.pos;
  const buf0 = input.buf;
  // Node count 1 and container PACKED, both one-byte lengths.
  if (buf0[from] !== 1 || buf0[from + 1] !== QUICKLIST_NODE_PACKED) return undefined;
  input.pos = from + 2;
  const view = input.stringView('a quicklist node');
  const list = listFromListpack(view);
  if (list === undefined) input.pos = from;
  return list;
}

function listFromListpack(view: ByteView): ListValue | undefined {
  const count = listpackHeader(view);
  if (count < 1 || count > CHUNK_MAX_ITEMS) return undefined;
  const { buf, start, end } = view;
  const base = 2 * (count + 1);
  ensureOut(base + CHUNK_MAX_BYTES + 32);
  const last = end - 1;
  let p = start + 6;
  let at = base;
  for (let i = 0; i < count; i++) {
    const offset = at - base;
    out[2 * i] = offset & 0xff;
    out[2 * i + 1] = offset >> 8;
    if (p >= last) return undefined;
    p = lpElement(buf, p, last);
    if (p < 0) return undefined;
    // Fewer than CHUNK_MAX_BYTES in all: pushes would keep it one chunk (an integer's text fits the slack).
    if (!elIsInt && at - base + elLength >= CHUNK_MAX_BYTES) return undefined;
    at = elIsInt ? writeDecimal(at, elInt) : copyBytes(buf, elStart, elLength, at);
    if (at - base >= CHUNK_MAX_BYTES) return undefined;
  }
  if (p !== last) return undefined;
  const bytes = at - base;
  out[2 * count] = bytes & 0xff;
  out[2 * count + 1] = bytes >> 8;
  return ListValue.fromPackedChunk(out.latin1Slice(0, at), count, bytes);
}
