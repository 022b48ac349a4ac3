import type { ContainerValue } from '../../stored-value.js';
import { CHUNK_MAX_ITEMS, Chunk } from './chunk.js';
import { Ring } from './ring.js';

/** Heap bytes of the list object and its ring, counted once per list (MEMORY USAGE). */
const LIST_OVERHEAD_BYTES = 96;

/** Where #locate found an index: chunk position in the ring, and offset inside it. */
let foundChunk = 0;
let foundOffset = 0;

/** What LPOS looks for. */
export interface PositionQuery {
  /** Scan from the tail (a negative RANK). */
  fromTail: boolean;
  /** Matches to skip before the first one reported (RANK − 1). */
  skip: number;
  /** Most positions to report (0 = all). */
  limit: number;
  /** Most elements to compare (0 = all). */
  maxScan: number;
}

/**
 * A Redis list: a deque of chunks (chunk.ts). Push and pop at both ends are O(1) amortized;
 * reaching index i walks chunks from the nearer end (O(n / CHUNK_MAX_ITEMS)), then edits one
 * chunk (O(CHUNK_MAX_ITEMS)). The two end chunks stay mutable; chunks in between are packed
 * when they can be, so a big list of small elements costs a few bytes per element.
 * Indexes given to methods are already normalized: 0 ≤ index < size unless said otherwise.
 */
/** Chunks whose sizes MEMORY USAGE samples (then extrapolates). */
const MEMORY_SAMPLE_CHUNKS = 16;

export class ListValue implements ContainerValue {
  #chunks = new Ring<Chunk>();
  #size = 0;

  // A prototype getter, not a field: one pointer less in each of millions of small lists.
  get type(): 'list' {
    return 'list';
  }

  static from(values: readonly string[]): ListValue {
    const list = new ListValue();
    for (const v of values) list.pushBack(v);
    return list;
  }

  /** A list of one packed chunk (see Chunk.fromPacked): what settle() makes of a small list. */
  static fromPackedChunk(packed: string, count: number, bytes: number): ListValue {
    const list = new ListValue();
    list.#chunks.pushBack(Chunk.fromPacked(packed, count, bytes));
    list.#size = count;
    return list;
  }

  /**
   * The list's only chunk when it is one packed chunk (a small list after settle()), else
   * undefined: the RDB encoder reads its elements in place.
   */
  get solePackedChunk(): Chunk | undefined {
    if (this.#chunks.length !== 1) return undefined;
    const chunk = this.#chunks.get(0);
    return chunk.isPacked ? chunk : undefined;
  }

  get size(): number {
    return this.#size;
  }

  /**
   * Packs a list that fits in one chunk (call after a batch of edits: pushes unpack it). Small
   * lists then cost one string for all their elements, like Redis's single-listpack quicklist;
   * big lists are untouched (their interior chunks are packed as they go).
   */
  settle(): void {
    if (this.#chunks.length !== 1) return;
    const chunk = this.#chunks.get(0);
    if (!chunk.isPacked && chunk.count <= CHUNK_MAX_ITEMS) chunk.pack();
  }

  /** Redis 7.0 stores every list as a quicklist (listpack-encoded lists came in 7.2). */
  encoding(): string {
    return 'quicklist';
  }

  clone(): ListValue {
    const copy = new ListValue();
    for (let i = 0; i < this.#chunks.length; i++) copy.#chunks.pushBack(this.#chunks.get(i).clone());
    copy.#size = this.#size;
    return copy;
  }

  memoryUsageBytes(): number {
    // Sampled like Redis's MEMORY USAGE: the first chunks' sizes, times the chunk count (a full
    // walk made the memory gauge's sampling every 100 ms O(list length)).
    const chunkCount = this.#chunks.length;
    const sampledCount = Math.min(chunkCount, MEMORY_SAMPLE_CHUNKS);
    let sampled = 0;
    for (let i = 0; i < sampledCount; i++) sampled += this.#chunks.get(i).heapBytes();
    return LIST_OVERHEAD_BYTES + 8 * chunkCount + (sampledCount === 0 ? 0 : Math.round((sampled / sampledCount) * chunkCount));
  }

  pushFront(value: string): void {
    let chunk = this.#chunks.first();
    if (chunk === undefined || chunk.full) {
      chunk = Chunk.empty(true);
      this.#chunks.pushFront(chunk);
      // The old front chunk is now interior: pack it (no-op when already packed or too big).
      if (this.#chunks.length >= 3) this.#chunks.get(1).pack();
    }
    chunk.pushFront(value);
    this.#size++;
  }

  pushBack(value: string): void {
    let chunk = this.#chunks.last();
    if (chunk === undefined || chunk.full) {
      chunk = Chunk.empty(false);
      this.#chunks.pushBack(chunk);
      if (this.#chunks.length >= 3) this.#chunks.get(this.#chunks.length - 2).pack();
    }
    chunk.pushBack(value);
    this.#size++;
  }

  popFront(): string | undefined {
    const chunk = this.#chunks.first();
    if (chunk === undefined) return undefined;
    const value = chunk.popFront();
    if (chunk.count === 0) this.#chunks.popFront();
    this.#size--;
    return value;
  }

  popBack(): string | undefined {
    const chunk = this.#chunks.last();
    if (chunk === undefined) return undefined;
    const value = chunk.popBack();
    if (chunk.count === 0) this.#chunks.popBack();
    this.#size--;
    return value;
  }

  at(index: number): string {
    this.#locate(index);
    return this.#chunks.get(foundChunk).get(foundOffset);
  }

  set(index: number, value: string): void {
    this.#locate(index);
    const chunk = this.#chunks.get(foundChunk);
    chunk.set(foundOffset, value);
    this.#repackIfInterior(foundChunk);
    this.settle();
  }

  /** Inserts so that value ends up at index (0 ≤ index ≤ size). */
  insertAt(index: number, value: string): void {
    this.#insert(index, value);
    this.settle();
  }

  #insert(index: number, value: string): void {
    if (index === 0) return this.pushFront(value);
    if (index === this.#size) return this.pushBack(value);
    this.#locate(index);
    const at = foundChunk;
    const chunk = this.#chunks.get(at);
    chunk.insert(foundOffset, value);
    this.#size++;
    if (chunk.count > CHUNK_MAX_ITEMS) {
      this.#chunks.insertAt(at + 1, chunk.splitHalf());
      this.#repackIfInterior(at + 1);
    }
    this.#repackIfInterior(at);
  }

  /** Index of the first element equal to value, or -1. */
  indexOf(value: string): number {
    let base = 0;
    for (let c = 0; c < this.#chunks.length; c++) {
      const chunk = this.#chunks.get(c);
      const count = chunk.count;
      for (let i = 0; i < count; i++) if (chunk.equalsAt(i, value)) return base + i;
      base += count;
    }
    return -1;
  }

  /** LREM: removes up to |count| matches from the head (count > 0), the tail (< 0), or all (0). */
  removeMatches(value: string, count: number): number {
    const fromTail = count < 0;
    let left = Math.abs(count);
    let removed = 0;
    const chunkCount = this.#chunks.length;
    for (let n = 0; n < chunkCount; n++) {
      const c = fromTail ? chunkCount - 1 - n : n;
      const chunk = this.#chunks.get(c);
      const hits = chunk.removeMatches(value, count === 0 ? 0 : left, fromTail);
      removed += hits;
      left -= hits;
      if (count !== 0 && left === 0) break;
    }
    if (removed > 0) {
      this.#size -= removed;
      this.#compact();
      this.settle();
    }
    return removed;
  }

  /** LTRIM: keeps elements start..stop (0 ≤ start ≤ stop < size), drops the rest. */
  trim(start: number, stop: number): void {
    this.#dropFront(start);
    this.#dropBack(this.#size - 1 - (stop - start));
    this.settle();
  }

  /** Removes every element. */
  clear(): void {
    this.#chunks.clear();
    this.#size = 0;
  }

  /** Calls visit for elements start..stop in order (0 ≤ start ≤ stop < size). */
  forRange(start: number, stop: number, visit: (value: string) => void): void {
    this.#locate(start);
    let c = foundChunk;
    let i = foundOffset;
    let left = stop - start + 1;
    while (left > 0) {
      const chunk = this.#chunks.get(c);
      const end = Math.min(chunk.count, i + left);
      for (let j = i; j < end; j++) visit(chunk.get(j));
      left -= end - i;
      c++;
      i = 0;
    }
  }

  /** LPOS: the indexes of the matches the query asks for, in scan order. */
  positions(value: string, query: PositionQuery): number[] {
    const out: number[] = [];
    let skip = query.skip;
    let scanned = 0;
    const chunkCount = this.#chunks.length;
    let base = query.fromTail ? this.#size : 0;
    for (let n = 0; n < chunkCount; n++) {
      const chunk = this.#chunks.get(query.fromTail ? chunkCount - 1 - n : n);
      const count = chunk.count;
      if (query.fromTail) base -= count;
      for (let k = 0; k < count; k++) {
        if (query.maxScan !== 0 && scanned >= query.maxScan) return out;
        scanned++;
        const i = query.fromTail ? count - 1 - k : k;
        if (!chunk.equalsAt(i, value)) continue;
        if (skip > 0) {
          skip--;
          continue;
        }
        out.push(base + i);
        if (query.limit !== 0 && out.length >= query.limit) return out;
      }
      if (!query.fromTail) base += count;
    }
    return out;
  }

  /** All elements as an array (tests, debugging). */
  toArray(): string[] {
    const out: string[] = [];
    if (this.#size > 0) this.forRange(0, this.#size - 1, (v) => out.push(v));
    return out;
  }

  /** Checks internal invariants (tests): throws on a broken structure. */
  checkInvariants(): void {
    let total = 0;
    for (let c = 0; c < this.#chunks.length; c++) {
      const chunk = this.#chunks.get(c);
      if (chunk.count <= 0) throw new Error(`empty chunk at ${c}`);
      if (chunk.count > CHUNK_MAX_ITEMS) throw new Error(`overfull chunk at ${c}`);
      let bytes = 0;
      for (let i = 0; i < chunk.count; i++) bytes += chunk.get(i).length;
      if (bytes !== chunk.bytes) throw new Error(`chunk ${c} bytes ${chunk.bytes} != ${bytes}`);
      total += chunk.count;
    }
    if (total !== this.#size) throw new Error(`size ${this.#size} != ${total}`);
  }

  /** Sets foundChunk/foundOffset for 0 ≤ index < size, walking from the nearer end. */
  #locate(index: number): void {
    const chunks = this.#chunks;
    if (index < this.#size >> 1) {
      let c = 0;
      let chunk = chunks.get(0);
      while (index >= chunk.count) {
        index -= chunk.count;
        chunk = chunks.get(++c);
      }
      foundChunk = c;
      foundOffset = index;
      return;
    }
    let fromEnd = this.#size - 1 - index;
    let c = chunks.length - 1;
    let chunk = chunks.get(c);
    while (fromEnd >= chunk.count) {
      fromEnd -= chunk.count;
      chunk = chunks.get(--c);
    }
    foundChunk = c;
    foundOffset = chunk.count - 1 - fromEnd;
  }

  #dropFront(n: number): void {
    while (n > 0) {
      const chunk = this.#chunks.first() as Chunk;
      if (chunk.count <= n) {
        n -= chunk.count;
        this.#size -= chunk.count;
        this.#chunks.popFront();
      } else {
        chunk.dropFront(n);
        this.#size -= n;
        n = 0;
      }
    }
  }

  #dropBack(n: number): void {
    while (n > 0) {
      const chunk = this.#chunks.last() as Chunk;
      if (chunk.count <= n) {
        n -= chunk.count;
        this.#size -= chunk.count;
        this.#chunks.popBack();
      } else {
        chunk.dropBack(n);
        this.#size -= n;
        n = 0;
      }
    }
  }

  #repackIfInterior(c: number): void {
    if (c > 0 && c < this.#chunks.length - 1) this.#chunks.get(c).pack();
  }

  /** After removals: drops empty chunks and merges neighbours that fit in one. */
  #compact(): void {
    const chunks = this.#chunks;
    for (let c = 0; c < chunks.length; ) {
      const chunk = chunks.get(c);
      if (chunk.count === 0) {
        chunks.removeAt(c);
        continue;
      }
      if (c + 1 < chunks.length) {
        const next = chunks.get(c + 1);
        if (next.count > 0 && chunk.count + next.count <= CHUNK_MAX_ITEMS >> 1) {
          chunk.appendAll(next);
          chunks.removeAt(c + 1);
          this.#repackIfInterior(c);
          continue;
        }
      }
      this.#repackIfInterior(c);
      c++;
    }
  }
}
