/**
 * One node of a list: up to CHUNK_MAX_ITEMS elements, in one of two forms.
 *
 * - Mutable: a JS array of strings, elements at items[head..tail), with spare room on both
 *   sides so pushes and pops at either end are O(1). The chunks at a list's two ends are
 *   usually in this form (that is where pushes land).
 * - Packed: one latin1 string holding 2-byte little-endian offsets, then the elements' bytes
 *   back to back (elements head..tail of `packed`). About 2 bytes of overhead per element
 *   instead of a pointer plus a 16-byte string header: the memory-compact form for the
 *   interior of big lists, like Redis's listpack nodes. Pops only move head/tail; any other
 *   edit unpacks first (O(chunk), like a listpack memmove).
 */

/** Most elements one chunk holds: bounds every O(chunk) step (middle edits, packing). */
export const CHUNK_MAX_ITEMS = 128;
/**
 * A chunk stops taking elements at this many bytes, and only chunks this small are packed
 * (2-byte offsets need < 64 KB): Redis's 8 KB listpack nodes (list-max-listpack-size -2).
 */
export const CHUNK_MAX_BYTES = 8192;
/** Offsets table and bytes of the biggest packable chunk. */
const PACK_SCRATCH = Buffer.allocUnsafe(2 * (CHUNK_MAX_ITEMS + 1) + CHUNK_MAX_BYTES);
/** Room made on the growing side of a mutable chunk when it has none. */
const MIN_SPARE_SLOTS = 4;

export class Chunk {
  /** The mutable form, or null when packed. */
  items: Array<string | undefined> | null;
  /** The packed form ('' when mutable): offsets table then element bytes. */
  packed: string;
  /** Where element bytes start in `packed`: 2 × (packed element count + 1). */
  base: number;
  head: number;
  tail: number;
  /** Sum of the live elements' lengths. */
  bytes: number;

  private constructor(items: Array<string | undefined> | null, head: number, tail: number, bytes: number) {
    this.items = items;
    this.packed = '';
    this.base = 0;
    this.head = head;
    this.tail = tail;
    this.bytes = bytes;
  }

  /** A mutable chunk holding `values` (the array is taken, not copied). */
  static of(values: string[]): Chunk {
    let bytes = 0;
    for (const v of values) bytes += v.length;
    return new Chunk(values, 0, values.length, bytes);
  }

  /**
   * A packed chunk from text already in the packed form (2-byte offsets of `count` + 1 entries,
   * then the bytes), `bytes` the elements' total length (an RDB listpack decoded straight into it).
   */
  static fromPacked(packed: string, count: number, bytes: number): Chunk {
    const chunk = new Chunk(null, 0, count, bytes);
    chunk.packed = packed;
    chunk.base = 2 * (count + 1);
    return chunk;
  }

  /** An empty mutable chunk, to be filled from the front (true) or the back. */
  static empty(fillFromFront: boolean): Chunk {
    if (!fillFromFront) return new Chunk([], 0, 0, 0);
    const items = new Array<string | undefined>(MIN_SPARE_SLOTS * 2);
    return new Chunk(items, items.length, items.length, 0);
  }

  get count(): number {
    return this.tail - this.head;
  }

  /** No more pushes: start a new chunk. */
  get full(): boolean {
    return this.tail - this.head >= CHUNK_MAX_ITEMS || this.bytes >= CHUNK_MAX_BYTES;
  }

  get isPacked(): boolean {
    return this.items === null;
  }

  get(i: number): string {
    const items = this.items;
    if (items !== null) return items[this.head + i] as string;
    const k = this.head + i;
    return this.packed.slice(this.base + this.#offset(k), this.base + this.#offset(k + 1));
  }

  lengthAt(i: number): number {
    if (this.items !== null) return (this.items[this.head + i] as string).length;
    const k = this.head + i;
    return this.#offset(k + 1) - this.#offset(k);
  }

  /** Element i equals value, without building a string when lengths differ. */
  equalsAt(i: number, value: string): boolean {
    const items = this.items;
    if (items !== null) return items[this.head + i] === value;
    const k = this.head + i;
    const start = this.#offset(k);
    const length = this.#offset(k + 1) - start;
    if (length !== value.length) return false;
    if (length > 32) return this.packed.slice(this.base + start, this.base + start + length) === value;
    const packed = this.packed;
    const at = this.base + start;
    for (let j = 0; j < length; j++) if (packed.charCodeAt(at + j) !== value.charCodeAt(j)) return false;
    return true;
  }

  #offset(k: number): number {
    return this.packed.charCodeAt(2 * k) | (this.packed.charCodeAt(2 * k + 1) << 8);
  }

  pushFront(value: string): void {
    if (this.items === null) this.unpack();
    if (this.head === 0) this.#relayout(Math.max(MIN_SPARE_SLOTS, this.count));
    (this.items as Array<string | undefined>)[--this.head] = value;
    this.bytes += value.length;
  }

  pushBack(value: string): void {
    if (this.items === null) this.unpack();
    const items = this.items as Array<string | undefined>;
    if (this.tail === items.length) items.push(value);
    else items[this.tail] = value;
    this.tail++;
    this.bytes += value.length;
  }

  popFront(): string {
    const value = this.get(0);
    if (this.items !== null) this.items[this.head] = undefined;
    this.head++;
    this.bytes -= value.length;
    return value;
  }

  popBack(): string {
    const value = this.get(this.count - 1);
    this.tail--;
    if (this.items !== null) {
      if (this.tail === this.items.length - 1) this.items.pop();
      else this.items[this.tail] = undefined;
    }
    this.bytes -= value.length;
    return value;
  }

  /** Drops the first n elements (n ≤ count). */
  dropFront(n: number): void {
    for (let i = 0; i < n; i++) this.bytes -= this.lengthAt(i);
    if (this.items !== null) this.items.fill(undefined, this.head, this.head + n);
    this.head += n;
  }

  /** Drops the last n elements (n ≤ count). */
  dropBack(n: number): void {
    const count = this.count;
    for (let i = count - n; i < count; i++) this.bytes -= this.lengthAt(i);
    this.tail -= n;
    if (this.items !== null) this.items.length = this.tail;
  }

  set(i: number, value: string): void {
    if (this.items === null) this.unpack();
    const items = this.items as Array<string | undefined>;
    this.bytes += value.length - (items[this.head + i] as string).length;
    items[this.head + i] = value;
  }

  /** Inserts before element i (i = count appends). May exceed CHUNK_MAX_ITEMS: split after. */
  insert(i: number, value: string): void {
    if (this.items === null) this.unpack();
    (this.items as Array<string | undefined>).splice(this.head + i, 0, value);
    this.tail++;
    this.bytes += value.length;
  }

  /** Removes up to `limit` elements equal to value (0 = no limit), scanning from the tail when asked. */
  removeMatches(value: string, limit: number, fromTail: boolean): number {
    const count = this.count;
    const doomed: number[] = [];
    for (let n = 0; n < count && (limit === 0 || doomed.length < limit); n++) {
      const i = fromTail ? count - 1 - n : n;
      if (this.equalsAt(i, value)) doomed.push(i);
    }
    if (doomed.length === 0) return 0;
    if (this.items === null) this.unpack();
    const items = this.items as Array<string | undefined>;
    const remove = new Set(doomed);
    const kept: Array<string | undefined> = [];
    for (let i = 0; i < count; i++) {
      if (remove.has(i)) continue;
      kept.push(items[this.head + i]);
    }
    this.items = kept;
    this.head = 0;
    this.tail = kept.length;
    this.bytes -= doomed.length * value.length;
    return doomed.length;
  }

  /** Moves the second half of this chunk into a new chunk (after an insert overfilled it). */
  splitHalf(): Chunk {
    const count = this.count;
    const keep = count >> 1;
    const moved: string[] = [];
    for (let i = keep; i < count; i++) moved.push(this.get(i));
    this.dropBack(count - keep);
    return Chunk.of(moved);
  }

  /** Appends all of `other`'s elements (merging small neighbours). */
  appendAll(other: Chunk): void {
    const n = other.count;
    for (let i = 0; i < n; i++) this.pushBack(other.get(i));
  }

  /** Switches to the mutable form. */
  unpack(): void {
    if (this.items !== null) return;
    const count = this.count;
    const items = new Array<string | undefined>(count);
    for (let i = 0; i < count; i++) items[i] = this.get(i);
    this.items = items;
    this.packed = '';
    this.base = 0;
    this.head = 0;
    this.tail = count;
  }

  /** Switches to the packed form when the elements are small enough; returns whether it did. */
  pack(): boolean {
    const items = this.items;
    if (items === null) return true;
    const count = this.tail - this.head;
    // The scratch buffer and the 2-byte offsets are sized for these bounds.
    if (count === 0 || count > CHUNK_MAX_ITEMS || this.bytes > CHUNK_MAX_BYTES) return false;
    // Written into one scratch buffer and read back as one flat string: concatenating would
    // leave a cons string (two more objects per chunk).
    const scratch = PACK_SCRATCH;
    const base = 2 * (count + 1);
    let at = base;
    for (let i = 0; i <= count; i++) {
      const offset = at - base;
      scratch[2 * i] = offset & 0xff;
      scratch[2 * i + 1] = offset >> 8;
      if (i === count) break;
      const item = items[this.head + i] as string;
      const length = item.length;
      if (length < 16) for (let j = 0; j < length; j++) scratch[at + j] = item.charCodeAt(j);
      else scratch.latin1Write(item, at);
      at += length;
    }
    this.packed = scratch.latin1Slice(0, at);
    this.base = base;
    this.items = null;
    this.head = 0;
    this.tail = count;
    return true;
  }

  clone(): Chunk {
    const copy = new Chunk(this.items === null ? null : this.items.slice(), this.head, this.tail, this.bytes);
    // Packed strings are immutable: the copy shares it.
    copy.packed = this.packed;
    copy.base = this.base;
    return copy;
  }

  /** Estimated heap bytes: the object, then its array and strings or its packed string. */
  heapBytes(): number {
    const objectBytes = 64;
    if (this.items === null) return objectBytes + 16 + roundUp8(this.packed.length);
    return objectBytes + 16 + 8 * this.items.length + 24 * this.count + this.bytes;
  }

  /** Rebuilds the mutable array with `spare` free slots before the first element. */
  #relayout(spare: number): void {
    const items = this.items as Array<string | undefined>;
    const count = this.count;
    const next = new Array<string | undefined>(spare + count);
    for (let i = 0; i < count; i++) next[spare + i] = items[this.head + i];
    this.items = next;
    this.head = spare;
    this.tail = spare + count;
  }
}

function roundUp8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
