import type { Random } from '../lib/random.js';
import { hashKey, nextTableSeed } from './key-hash.js';
import type { StoredValue } from './stored-value.js';

/**
 * Watches a table while a snapshot walks it (src/persistence/snapshot): Database calls
 * beforeAccess(key) before it reads, writes, deletes or re-times a key of a watched table, so the
 * snapshot can save the key's old state first (copy-on-write at key granularity).
 */
export interface TableWatch {
  beforeAccess(key: string): void;
}

/**
 * A live walk over a table's keys in insertion order (SCAN): it survives inserts, deletes and
 * compactions, and visits every key present for its whole life exactly once. It ends at the
 * cell count the table had when it was opened, so it ends however fast keys are added.
 */
export interface KeyCursor {
  /** The next cell position to visit. */
  position: number;
  /** Where the walk ends (exclusive): the table's cell count when the cursor was opened. */
  end: number;
}

/** Array slots per cell: key, value, access clock. */
const STRIDE = 3;
/** Int32 words per index slot: the key's hash, and its cell index + 1 (0 = empty slot). */
const SLOT_WORDS = 2;
const MIN_CAPACITY = 16;
/** Compaction waits for at least this many dead cells (and more dead than live). */
const MIN_DEAD_CELLS_TO_COMPACT = 64;

/**
 * The keys of one database (docs/keyspace-layout.md): a flat array of cells `[key, value,
 * accessClock]` in insertion order, and an open-addressing hash index over it. The access clock
 * is Redis's robj.lru (LRU seconds or the LFU word).
 *
 * The index is an Int32Array of slots `[hash, cell + 1]` with linear probing. A lookup reads one
 * slot run (the stored hashes reject other keys without touching them), then the cell and the
 * key string once; a V8 Map walked a bucket chain comparing key strings (a cache miss each) and
 * then the cell: measured 25-30% faster lookups with 100k keys, and ~12 bytes less per key.
 * Deletion shifts the run back (no tombstones).
 *
 * Cells are only appended: a deleted key leaves a dead cell (key undefined) until more than
 * half the cells are dead, then the live cells are compacted in place, in order. So cell order
 * is insertion order (GETKEYSINSLOT's newest-first order and SCAN rely on it), the key in the
 * cell gives O(1) random sampling (RANDOMKEY, eviction), and positions are stable between
 * compactions (a snapshot freezes them: no compaction while it walks).
 */
export class KeyTable {
  /** Bounded by the cells array (a V8 FixedArray: ~2^27 elements, 3 per key, dead ones included). */
  static readonly MAX_KEYS = (1 << 24) - 1;
  readonly #seed = nextTableSeed();
  #cells: Array<StoredValue | string | number | undefined> = [];
  #liveCount = 0;
  #slots = new Int32Array(MIN_CAPACITY * SLOT_WORDS);
  #mask = MIN_CAPACITY - 1;
  /** Open SCAN cursors, remapped when cells are compacted. */
  readonly #cursors = new Set<KeyCursor>();
  /** Set while a snapshot walks this table (see TableWatch); undefined otherwise. */
  watch: TableWatch | undefined;
  /** While frozen (a snapshot walks cells by position), cells keep their positions: no compaction. */
  #frozen = false;

  get size(): number {
    return this.#liveCount;
  }

  /** The cell index (a multiple of STRIDE) holding the key, or -1. */
  #find(key: string): number {
    const hash = hashKey(key, this.#seed);
    const slots = this.#slots;
    const mask = this.#mask;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const cellPlusOne = slots[slot * SLOT_WORDS + 1] as number;
      if (cellPlusOne === 0) return -1;
      if (slots[slot * SLOT_WORDS] === hash && this.#cells[cellPlusOne - 1] === key) return cellPlusOne - 1;
    }
  }

  has(key: string): boolean {
    return this.#find(key) >= 0;
  }

  get(key: string): StoredValue | undefined {
    const cell = this.#find(key);
    return cell < 0 ? undefined : (this.#cells[cell + 1] as StoredValue);
  }

  /** Reads the value and stamps its access clock (one index lookup: the GET path). */
  getAndTouch(key: string, stamp: { accessClock(previous: number | undefined): number }): StoredValue | undefined {
    const cell = this.#find(key);
    if (cell < 0) return undefined;
    const cells = this.#cells;
    cells[cell + 2] = stamp.accessClock(cells[cell + 2] as number);
    return cells[cell + 1] as StoredValue;
  }

  accessClockOf(key: string): number | undefined {
    const cell = this.#find(key);
    return cell < 0 ? undefined : (this.#cells[cell + 2] as number);
  }

  setAccessClock(key: string, accessClock: number): void {
    const cell = this.#find(key);
    if (cell >= 0) this.#cells[cell + 2] = accessClock;
  }

  /** Inserts or overwrites; true when the key is new. */
  set(key: string, value: StoredValue, accessClock: number): boolean {
    const hash = hashKey(key, this.#seed);
    const slots = this.#slots;
    const mask = this.#mask;
    let slot = hash & mask;
    for (; ; slot = (slot + 1) & mask) {
      const cellPlusOne = slots[slot * SLOT_WORDS + 1] as number;
      if (cellPlusOne === 0) break;
      if (slots[slot * SLOT_WORDS] === hash && this.#cells[cellPlusOne - 1] === key) {
        this.#cells[cellPlusOne] = value;
        this.#cells[cellPlusOne + 1] = accessClock;
        return false;
      }
    }
    const cell = this.#cells.length;
    this.#cells.push(key, value, accessClock);
    slots[slot * SLOT_WORDS] = hash;
    slots[slot * SLOT_WORDS + 1] = cell + 1;
    this.#liveCount++;
    // Grow at a load of 0.7 (linear probing's runs stay short below that).
    if (this.#liveCount * 10 > (this.#mask + 1) * 7) this.#resize((this.#mask + 1) * 2);
    return true;
  }

  delete(key: string): StoredValue | undefined {
    const hash = hashKey(key, this.#seed);
    const slots = this.#slots;
    const mask = this.#mask;
    let slot = hash & mask;
    let cell = -1;
    for (; ; slot = (slot + 1) & mask) {
      const cellPlusOne = slots[slot * SLOT_WORDS + 1] as number;
      if (cellPlusOne === 0) return undefined;
      if (slots[slot * SLOT_WORDS] === hash && this.#cells[cellPlusOne - 1] === key) {
        cell = cellPlusOne - 1;
        break;
      }
    }
    this.#removeSlot(slot);
    const value = this.#cells[cell + 1] as StoredValue;
    // Drop the references so key and value can be collected; an undefined key marks a dead cell.
    this.#cells[cell] = undefined;
    this.#cells[cell + 1] = undefined;
    this.#liveCount--;
    if (this.#liveCount === 0 && !this.#frozen && this.#cursors.size === 0) {
      this.#cells = [];
      if (this.#mask + 1 > MIN_CAPACITY) this.#resize(MIN_CAPACITY);
      return value;
    }
    const deadCount = this.#cells.length / STRIDE - this.#liveCount;
    if (!this.#frozen && deadCount > MIN_DEAD_CELLS_TO_COMPACT && deadCount > this.#liveCount) this.#compact();
    // Shrink the index when it is mostly empty (after a mass delete).
    else if (this.#mask + 1 > MIN_CAPACITY && this.#liveCount * 8 < this.#mask + 1) this.#resize((this.#mask + 1) / 2);
    return value;
  }

  /** Empties a slot, shifting later entries of its run back so lookups need no tombstones. */
  #removeSlot(emptied: number): void {
    const slots = this.#slots;
    const mask = this.#mask;
    let hole = emptied;
    for (let slot = (hole + 1) & mask; ; slot = (slot + 1) & mask) {
      const cellPlusOne = slots[slot * SLOT_WORDS + 1] as number;
      if (cellPlusOne === 0) break;
      const home = (slots[slot * SLOT_WORDS] as number) & mask;
      // The entry may move into the hole unless its home lies cyclically in (hole, slot].
      const homeBetween = hole <= slot ? home > hole && home <= slot : home > hole || home <= slot;
      if (homeBetween) continue;
      slots[hole * SLOT_WORDS] = slots[slot * SLOT_WORDS] as number;
      slots[hole * SLOT_WORDS + 1] = cellPlusOne;
      hole = slot;
    }
    slots[hole * SLOT_WORDS] = 0;
    slots[hole * SLOT_WORDS + 1] = 0;
  }

  /** Rebuilds the index with `capacity` slots (a power of two), from the stored hashes. */
  #resize(capacity: number): void {
    const old = this.#slots;
    const slots = new Int32Array(capacity * SLOT_WORDS);
    const mask = capacity - 1;
    for (let i = 0; i < old.length; i += SLOT_WORDS) {
      const cellPlusOne = old[i + 1] as number;
      if (cellPlusOne === 0) continue;
      const hash = old[i] as number;
      let slot = hash & mask;
      while (slots[slot * SLOT_WORDS + 1] !== 0) slot = (slot + 1) & mask;
      slots[slot * SLOT_WORDS] = hash;
      slots[slot * SLOT_WORDS + 1] = cellPlusOne;
    }
    this.#slots = slots;
    this.#mask = mask;
  }

  /**
   * Moves the live cells to the front in order, then rewrites the index's cell numbers and the
   * open cursors' positions through one table of "live cells before position p".
   */
  #compact(): void {
    const cells = this.#cells;
    const positions = cells.length / STRIDE;
    const liveBefore = new Int32Array(positions + 1);
    let write = 0;
    for (let position = 0; position < positions; position++) {
      liveBefore[position] = write / STRIDE;
      const read = position * STRIDE;
      if (cells[read] === undefined) continue;
      if (write !== read) {
        cells[write] = cells[read];
        cells[write + 1] = cells[read + 1];
        cells[write + 2] = cells[read + 2];
      }
      write += STRIDE;
    }
    liveBefore[positions] = write / STRIDE;
    cells.length = write;
    const slots = this.#slots;
    for (let i = 1; i < slots.length; i += SLOT_WORDS) {
      const cellPlusOne = slots[i] as number;
      if (cellPlusOne !== 0) slots[i] = (liveBefore[(cellPlusOne - 1) / STRIDE] as number) * STRIDE + 1;
    }
    for (const cursor of this.#cursors) {
      cursor.position = liveBefore[Math.min(cursor.position, positions)] as number;
      cursor.end = liveBefore[Math.min(cursor.end, positions)] as number;
    }
  }

  /** Freezes cell positions (see #frozen) while a snapshot walks them; false thaws. */
  freezeCells(frozen: boolean): void {
    this.#frozen = frozen;
  }

  /** Cells ever allocated since the last compaction (live or dead): positions 0 to cellCount - 1. */
  get cellCount(): number {
    return this.#cells.length / STRIDE;
  }

  /** The position of a key's cell, or undefined when absent. */
  positionOf(key: string): number | undefined {
    const cell = this.#find(key);
    return cell < 0 ? undefined : cell / STRIDE;
  }

  /** The key at a cell position, undefined for a dead cell. */
  keyAt(position: number): string | undefined {
    return this.#cells[position * STRIDE] as string | undefined;
  }

  valueAt(position: number): StoredValue {
    return this.#cells[position * STRIDE + 1] as StoredValue;
  }

  accessClockAt(position: number): number {
    return this.#cells[position * STRIDE + 2] as number;
  }

  /** Every key in insertion order. Not for walks that yield to other work: see openCursor. */
  *keys(): IterableIterator<string> {
    const cells = this.#cells;
    for (let cell = 0; cell < cells.length; cell += STRIDE) {
      const key = cells[cell];
      if (key !== undefined) yield key as string;
    }
  }

  *entries(): IterableIterator<[string, StoredValue]> {
    const cells = this.#cells;
    for (let cell = 0; cell < cells.length; cell += STRIDE) {
      const key = cells[cell];
      if (key !== undefined) yield [key as string, cells[cell + 1] as StoredValue];
    }
  }

  /** Opens a live walk over the keys present now (see KeyCursor); close it when dropped. */
  openCursor(): KeyCursor {
    const cursor: KeyCursor = { position: 0, end: this.#cells.length / STRIDE };
    this.#cursors.add(cursor);
    return cursor;
  }

  /** The cursor's next live key, or undefined when its walk is over (the cursor is closed then). */
  nextKey(cursor: KeyCursor): string | undefined {
    const cells = this.#cells;
    while (cursor.position < cursor.end) {
      const key = cells[cursor.position * STRIDE];
      cursor.position++;
      if (key !== undefined) return key as string;
    }
    this.#cursors.delete(cursor);
    return undefined;
  }

  closeCursor(cursor: KeyCursor): void {
    this.#cursors.delete(cursor);
  }

  /** A uniformly random key, or undefined when empty: O(1) expected (at least half the cells are live). */
  randomKey(random: Random): string | undefined {
    if (this.#liveCount === 0) return undefined;
    const cellCount = this.#cells.length / STRIDE;
    for (let attempt = 0; attempt < 64; attempt++) {
      const key = this.#cells[random.int(cellCount) * STRIDE];
      if (key !== undefined) return key as string;
    }
    // Unlucky (or a sparse table while a snapshot freezes compaction): fall back to a walk.
    let skip = random.int(this.#liveCount);
    for (const key of this.keys()) if (skip-- === 0) return key;
    return undefined;
  }

  /**
   * Eviction sampling: up to `count` uniformly random keys with their access clocks, read from
   * the cells directly (no index lookup per sampled key). May repeat a key.
   */
  sample(random: Random, count: number, keys: string[], clocks: number[]): void {
    if (this.#liveCount === 0) return;
    const cellCount = this.#cells.length / STRIDE;
    for (let taken = 0, attempt = 0; taken < count && attempt < count * 64; attempt++) {
      const cell = random.int(cellCount) * STRIDE;
      const key = this.#cells[cell];
      if (key === undefined) continue;
      keys.push(key as string);
      clocks.push(this.#cells[cell + 2] as number);
      taken++;
    }
  }
}
