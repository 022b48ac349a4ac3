/**
 * The compact encoding of a small hash (Redis's listpack): all fields and values in one latin1
 * string, each entry a length prefix then its bytes. One string per hash instead of two V8
 * strings per pair saves about 3× the memory of a 10-field hash; lookups scan the entries like
 * Redis scans a listpack, which is fine under hash-max-listpack-entries.
 *
 * Length prefix: 7 bits per char, low bits first, the 0x80 bit set on every char but the last
 * (a value under 128 takes one char).
 */

/** Where the last readLength() call's entry starts (module scratch: no tuple allocation). */
let entryStart = 0;

/** Reads the length prefix at `pos`; the entry's bytes start at `entryStart`. */
function readLength(packed: string, pos: number): number {
  let c = packed.charCodeAt(pos);
  if (c < 0x80) {
    entryStart = pos + 1;
    return c;
  }
  let length = c & 0x7f;
  let shift = 7;
  for (;;) {
    c = packed.charCodeAt(++pos);
    length += (c & 0x7f) * 2 ** shift;
    if (c < 0x80) break;
    shift += 7;
  }
  entryStart = pos + 1;
  return length;
}

const SCRATCH_INITIAL_BYTES = 4096;
/** A scratch buffer grown past this (a listpack with huge values) is dropped after use. */
const SCRATCH_KEEP_MAX_BYTES = 1024 * 1024;

/** Scratch space for building packed strings. */
let scratch = Buffer.allocUnsafe(SCRATCH_INITIAL_BYTES);

function ensureScratch(bytes: number): void {
  if (scratch.length >= bytes) return;
  scratch = Buffer.allocUnsafe(Math.max(bytes, scratch.length * 2));
}

/** Writes a length prefix at `at`; returns the position after it. */
function writeLength(at: number, length: number): number {
  let rest = length;
  while (rest >= 0x80) {
    scratch[at++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  scratch[at++] = rest;
  return at;
}

/** The first `total` scratch bytes as a new flat string. */
function takeScratch(total: number): string {
  const text = scratch.latin1Slice(0, total);
  if (scratch.length > SCRATCH_KEEP_MAX_BYTES) scratch = Buffer.allocUnsafe(SCRATCH_INITIAL_BYTES);
  return text;
}

function writeText(at: number, text: string): number {
  const length = text.length;
  if (length < 24) {
    // Short texts: a JS loop beats the native call's fixed cost.
    for (let i = 0; i < length; i++) scratch[at++] = text.charCodeAt(i);
    return at;
  }
  return at + scratch.latin1Write(text, at);
}

/** Prefix bytes for a length (1 under 128, then one more per 7 bits). */
function prefixBytes(length: number): number {
  let bytes = 1;
  for (let rest = length; rest >= 0x80; rest = Math.floor(rest / 0x80)) bytes++;
  return bytes;
}

/**
 * `packed` with the bytes [start, end) replaced by the pair (field, value), by one entry
 * (value undefined: the packed sets of set-value.ts), or removed (both undefined). The result is always built in one flat string (latin1Slice): string
 * concatenation would leave V8 cons-string trees behind, several times bigger than the text.
 */
export function rebuildPacked(packed: string, start: number, end: number, field?: string, value?: string): string {
  let insertBytes = 0;
  if (field !== undefined) insertBytes += prefixBytes(field.length) + field.length;
  if (value !== undefined) insertBytes += prefixBytes(value.length) + value.length;
  const total = packed.length - (end - start) + insertBytes;
  ensureScratch(Math.max(total, packed.length));
  if (packed.length > 0) scratch.latin1Write(packed, 0);
  if (end < packed.length && start + insertBytes !== end) scratch.copyWithin(start + insertBytes, end, packed.length);
  let at = start;
  if (field !== undefined) at = writeText(writeLength(at, field.length), field);
  if (value !== undefined) writeText(writeLength(at, value.length), value);
  return takeScratch(total);
}

/** `packed` followed by these pairs, built in one flat string. */
export function appendPacked(packed: string, pairs: ReadonlyMap<string, string>): string {
  let total = packed.length;
  for (const [field, value] of pairs) total += prefixBytes(field.length) + field.length + prefixBytes(value.length) + value.length;
  ensureScratch(total);
  let at = packed.length > 0 ? scratch.latin1Write(packed, 0) : 0;
  for (const [field, value] of pairs) {
    at = writeLength(at, field.length);
    at = writeText(at, field);
    at = writeLength(at, value.length);
    at = writeText(at, value);
  }
  return takeScratch(total);
}

/** A packed string holding exactly these pairs (tests, conversions). */
export function packPairs(pairs: ReadonlyArray<readonly [string, string]>): string {
  let packed = '';
  for (const [field, value] of pairs) packed = rebuildPacked(packed, packed.length, packed.length, field, value);
  return packed;
}

/** As findPair's and forEachPair's `pairCount`: every pair up to the end of the string. */
export const ALL_PAIRS = Number.MAX_SAFE_INTEGER;

/** How many pairs a packed string holds (a walk over their length prefixes). */
export function countPairs(packed: string): number {
  const end = packed.length;
  let pos = 0;
  let pairs = 0;
  while (pos < end) {
    const fieldLength = readLength(packed, pos);
    const valueLength = readLength(packed, entryStart + fieldLength);
    pos = entryStart + valueLength;
    pairs++;
  }
  return pairs;
}

/** Where a pair sits: its field's prefix, its value's bytes, and the end of the pair. */
export interface PairPosition {
  pairStart: number;
  valueStart: number;
  valueEnd: number;
}

/** Scratch result of findPair (valid until the next call). */
const found: PairPosition = { pairStart: 0, valueStart: 0, valueEnd: 0 };

/**
 * Finds `field` among the first `pairCount` pairs (all of them: pass ALL_PAIRS); the result is
 * reused by the next call.
 */
export function findPair(packed: string, pairCount: number, field: string): PairPosition | undefined {
  const fieldLength = field.length;
  const end = packed.length;
  let pos = 0;
  for (let i = 0; i < pairCount && pos < end; i++) {
    const pairStart = pos;
    const length = readLength(packed, pos);
    const start = entryStart;
    const match = length === fieldLength && packed.startsWith(field, start);
    const valueLength = readLength(packed, start + length);
    pos = entryStart + valueLength;
    if (match) {
      found.pairStart = pairStart;
      found.valueStart = entryStart;
      found.valueEnd = pos;
      return found;
    }
  }
  return undefined;
}

/**
 * Calls visit for every pair in order. The texts are slices of `packed` (V8 keeps the whole
 * packed string alive while a long slice lives): fine for replies, not for storing.
 */
export function forEachPair(packed: string, pairCount: number, visit: (field: string, value: string) => void): void {
  const end = packed.length;
  let pos = 0;
  for (let i = 0; i < pairCount && pos < end; i++) {
    const fieldLength = readLength(packed, pos);
    const fieldStart = entryStart;
    const valueLength = readLength(packed, fieldStart + fieldLength);
    const valueStart = entryStart;
    pos = valueStart + valueLength;
    visit(packed.slice(fieldStart, fieldStart + fieldLength), packed.slice(valueStart, pos));
  }
}

/** Like forEachPair, with texts that own their bytes (for storing them elsewhere). */
export function forEachPairCopied(packed: string, pairCount: number, visit: (field: string, value: string) => void): void {
  const bytes = Buffer.from(packed, 'latin1');
  const end = packed.length;
  let pos = 0;
  for (let i = 0; i < pairCount && pos < end; i++) {
    const fieldLength = readLength(packed, pos);
    const fieldStart = entryStart;
    const valueLength = readLength(packed, fieldStart + fieldLength);
    const valueStart = entryStart;
    pos = valueStart + valueLength;
    visit(bytes.latin1Slice(fieldStart, fieldStart + fieldLength), bytes.latin1Slice(valueStart, pos));
  }
}

/**
 * Single entries (no values) from position `origin` on: the packed small sets of set-value.ts.
 * Returns where the entry for `text` starts, or -1; `lastEntryEnd` then holds its end.
 */
export function findEntry(packed: string, origin: number, entryCount: number, text: string): number {
  const textLength = text.length;
  let pos = origin;
  for (let i = 0; i < entryCount; i++) {
    const start = pos;
    const length = readLength(packed, pos);
    pos = entryStart + length;
    if (length === textLength && packed.startsWith(text, entryStart)) {
      lastEntryEnd = pos;
      return start;
    }
  }
  return -1;
}

/** The end of the entry findEntry found last. */
export let lastEntryEnd = 0;

/** Every single entry from `origin` on, as strings that own their bytes (never slices). */
export function entriesOf(packed: string, origin: number, entryCount: number): string[] {
  let bytes: Buffer | undefined;
  const out: string[] = [];
  let pos = origin;
  for (let i = 0; i < entryCount; i++) {
    const length = readLength(packed, pos);
    const start = entryStart;
    pos = start + length;
    if (length < V8_MIN_SLICE_LENGTH) {
      out.push(packed.slice(start, pos)); // V8 copies slices this short
    } else {
      bytes ??= Buffer.from(packed, 'latin1');
      out.push(bytes.latin1Slice(start, pos));
    }
  }
  return out;
}

/** V8's SlicedString::kMinLength: shorter substrings are copies, not views of the parent. */
const V8_MIN_SLICE_LENGTH = 13;
