import type { Random } from '../lib/random.js';
import { OpenIndex } from './open-index.js';
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

/** Array slots per cell: key, value. */
const STRIDE = 2;
/** The access clock of a dead cell (live clocks are 24-bit, never negative). */
const DEAD_CLOCK = -1;
/** Hands out position epochs (see KeyTable.positionEpoch): unique across all tables. */
let nextPositionEpoch = 1;
/** Compaction waits for at least this many dead cells (and more dead than live). */
const MIN_DEAD_CELLS_TO_COMPACT = 64;

/**
 * The keys of one database (docs/keyspace-layout.md): a flat array of cells `[key, value]` in
 * insertion order, an open-addressing hash index over it (OpenIndex: a lookup compares one key
 * string, where a V8 Map compared one per bucket-chain entry), and beside the cells an
 * Int32Array of access clocks, one per position (Redis's robj.lru: LRU seconds or the LFU word;
 * -1 for a dead cell). Eviction samples read only that array: 4 bytes per key, so a sample is
 * not a cache miss into the cells of a large table (docs/eviction.md).
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
  #cells: Array<StoredValue | string | undefined> = [];
  /** Access clock of each position (DEAD_CLOCK for dead cells); capacity >= the cell count. */
  #clocks = new Int32Array(16);
  /** Changes whenever positions stop naming the same keys (compaction, clear): see positionEpoch. */
  #positionEpoch = nextPositionEpoch++;
  readonly #index = new OpenIndex();
  /** Open SCAN cursors, remapped when cells are compacted. */
  readonly #cursors = new Set<KeyCursor>();
  /** Set while a snapshot walks this table (see TableWatch); undefined otherwise. */
  watch: TableWatch | undefined;
  /** While frozen (a snapshot walks cells by position), cells keep their positions: no compaction. */
  #frozen = false;
  /** A bulk load (beginBulk): hashes of the cells appended since #bulkStart, not indexed yet. */
  #bulkHashes: Int32Array | undefined;
  #bulkStart = 0;
  #bulkCount = 0;
  /** Keys a bulk load met twice (their later cells were dropped), until endBulk reports them. */
  #bulkDuplicates: string[] = [];

  get size(): number {
    return this.#index.size + this.#bulkCount;
  }

  /** The cell index (a multiple of STRIDE) holding the key, or -1. */
  #find(key: string): number {
    const position = this.#findPosition(key);
    return position < 0 ? -1 : position * STRIDE;
  }

  /** The key's position (cell index / STRIDE), or -1. */
  #findPosition(key: string): number {
    if (this.#bulkHashes !== undefined) this.#finishBulk();
    return this.#index.find(key, this.#index.hash(key), this.#cells, STRIDE);
  }

  has(key: string): boolean {
    return this.#find(key) >= 0;
  }

  get(key: string): StoredValue | undefined {
    const cell = this.#find(key);
    return cell < 0 ? undefined : (this.#cells[cell + 1] as StoredValue);
  }

  /** Reads the value and stamps its access clock (one index lookup: the GET path). */
  getAndTouch(key: string, stamp: { readonly lruClock: number; accessClock(previous: number | undefined): number }): StoredValue | undefined {
    const position = this.#findPosition(key);
    if (position < 0) return undefined;
    // Under LRU the stamp does not depend on the old one: a store alone, which does not wait for
    // the clock array's cache line as reading the old clock first did (LFU needs that read).
    const lru = stamp.lruClock;
    this.#clocks[position] = lru >= 0 ? lru : stamp.accessClock(this.#clocks[position] as number);
    return this.#cells[position * STRIDE + 1] as StoredValue;
  }

  accessClockOf(key: string): number | undefined {
    const position = this.#findPosition(key);
    return position < 0 ? undefined : (this.#clocks[position] as number);
  }

  setAccessClock(key: string, accessClock: number): void {
    const position = this.#findPosition(key);
    if (position >= 0) this.#clocks[position] = accessClock;
  }

  /** Grows the index ahead of `keyCount` keys (a load that knows its size). */
  reserve(keyCount: number): void {
    if (this.#bulkHashes !== undefined) this.#finishBulk();
    this.#index.reserve(keyCount);
  }

  /**
   * Starts a bulk load (an RDB read at start or by DEBUG RELOAD): bulkAppend adds cells without
   * indexing them; the index is built once at the end, inserting in home-slot order (a sequential
   * walk of the slot array instead of a cache miss per key: the load's single biggest cost after
   * GC). Any other use of the table first finishes the bulk load, so it is always consistent.
   */
  beginBulk(): void {
    if (this.#bulkHashes !== undefined) return;
    this.#bulkHashes = new Int32Array(1024);
    this.#bulkStart = this.#cells.length / STRIDE;
    this.#bulkCount = 0;
  }

  get bulkLoading(): boolean {
    return this.#bulkHashes !== undefined;
  }

  /** Appends a key assumed new (a duplicate is found and dropped when the bulk load ends). */
  bulkAppend(key: string, value: StoredValue, accessClock: number): void {
    let hashes = this.#bulkHashes;
    if (hashes === undefined) {
      this.set(key, value, accessClock);
      return;
    }
    if (this.#bulkCount === hashes.length) {
      const grown = new Int32Array(hashes.length * 2);
      grown.set(hashes);
      this.#bulkHashes = hashes = grown;
    }
    // Hashed now, while the key string is in cache (at the end it would be a miss per key).
    hashes[this.#bulkCount++] = this.#index.hash(key);
    this.#appendCell(key, value, accessClock);
  }

  /** Ends a bulk load: indexes its keys; returns the keys it met more than once (first kept). */
  endBulk(): string[] {
    this.#finishBulk();
    const duplicates = this.#bulkDuplicates;
    this.#bulkDuplicates = [];
    return duplicates;
  }

  #finishBulk(): void {
    const hashes = this.#bulkHashes;
    if (hashes === undefined) return;
    const count = this.#bulkCount;
    const start = this.#bulkStart;
    this.#bulkHashes = undefined;
    this.#bulkCount = 0;
    const index = this.#index;
    index.reserve(index.size + count);
    const order = index.homeOrder(hashes, count);
    const cells = this.#cells;
    for (let j = 0; j < count; j++) {
      const i = order[j] as number;
      const hash = hashes[i] as number;
      const position = start + i;
      const key = cells[position * STRIDE] as string;
      // Stable order: of two cells with the same key, the earlier one is indexed first.
      if (index.find(key, hash, cells, STRIDE) >= 0) {
        this.#bulkDuplicates.push(key);
        cells[position * STRIDE] = undefined;
        cells[position * STRIDE + 1] = undefined;
        this.#clocks[position] = DEAD_CLOCK;
        continue;
      }
      index.insert(hash, position);
    }
  }

  /** Inserts or overwrites; true when the key is new. */
  set(key: string, value: StoredValue, accessClock: number): boolean {
    if (this.#bulkHashes !== undefined) this.#finishBulk();
    const hash = this.#index.hash(key);
    const position = this.#index.find(key, hash, this.#cells, STRIDE);
    if (position >= 0) {
      this.#cells[position * STRIDE + 1] = value;
      this.#clocks[position] = accessClock;
      return false;
    }
    this.#index.insert(hash, this.#cells.length / STRIDE);
    this.#appendCell(key, value, accessClock);
    return true;
  }

  /** Overwrites the value of a present key, keeping its access clock (one lookup); false when absent. */
  replaceValue(key: string, value: StoredValue): boolean {
    const position = this.#findPosition(key);
    if (position < 0) return false;
    this.#cells[position * STRIDE + 1] = value;
    return true;
  }

  #appendCell(key: string, value: StoredValue, accessClock: number): void {
    const position = this.#cells.length / STRIDE;
    if (position === this.#clocks.length) {
      const grown = new Int32Array(this.#clocks.length * 2);
      grown.set(this.#clocks);
      this.#clocks = grown;
    }
    this.#clocks[position] = accessClock;
    this.#cells.push(key, value);
  }

  /**
   * A number that stays the same while every position names the same key (or a dead cell) as
   * before: it changes when cells are compacted or cleared. Unique across tables, so a position
   * remembered with it (the eviction pool) is never read in a table that replaced this one.
   */
  get positionEpoch(): number {
    return this.#positionEpoch;
  }

  delete(key: string): StoredValue | undefined {
    const cell = this.#find(key);
    if (cell < 0) return undefined;
    this.#index.removeFound();
    const value = this.#cells[cell + 1] as StoredValue;
    // Drop the references so key and value can be collected; an undefined key marks a dead cell.
    this.#cells[cell] = undefined;
    this.#cells[cell + 1] = undefined;
    this.#clocks[cell / STRIDE] = DEAD_CLOCK;
    const liveCount = this.#index.size;
    if (this.#frozen) return value;
    if (liveCount === 0 && this.#cursors.size === 0) {
      this.#cells = [];
      this.#clocks = new Int32Array(16);
      this.#positionEpoch = nextPositionEpoch++;
      this.#index.clear();
      return value;
    }
    const deadCount = this.#cells.length / STRIDE - liveCount;
    if (deadCount > MIN_DEAD_CELLS_TO_COMPACT && deadCount > liveCount) this.#compact();
    return value;
  }

  /**
   * Moves the live cells to the front in order, then rewrites the index's positions and the
   * open cursors' through one table of "live cells before position p".
   */
  #compact(): void {
    const cells = this.#cells;
    const clocks = this.#clocks;
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
        clocks[write / STRIDE] = clocks[position] as number;
      }
      write += STRIDE;
    }
    liveBefore[positions] = write / STRIDE;
    cells.length = write;
    clocks.fill(DEAD_CLOCK, write / STRIDE, positions);
    this.#positionEpoch = nextPositionEpoch++;
    this.#index.remap(liveBefore);
    for (const cursor of this.#cursors) {
      cursor.position = liveBefore[Math.min(cursor.position, positions)] as number;
      cursor.end = liveBefore[Math.min(cursor.end, positions)] as number;
    }
  }

  /** Freezes cell positions (see #frozen) while a snapshot walks them; false thaws. */
  freezeCells(frozen: boolean): void {
    if (this.#bulkHashes !== undefined) this.#finishBulk();
    this.#frozen = frozen;
  }

  /** Cells ever allocated since the last compaction (live or dead): positions 0 to cellCount - 1. */
  get cellCount(): number {
    if (this.#bulkHashes !== undefined) this.#finishBulk();
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
    return this.#clocks[position] as number;
  }

  /** Every key in insertion order. Not for walks that yield to other work: see openCursor. */
  *keys(): IterableIterator<string> {
    if (this.#bulkHashes !== undefined) this.#finishBulk();
    const cells = this.#cells;
    for (let cell = 0; cell < cells.length; cell += STRIDE) {
      const key = cells[cell];
      if (key !== undefined) yield key as string;
    }
  }

  *entries(): IterableIterator<[string, StoredValue]> {
    if (this.#bulkHashes !== undefined) this.#finishBulk();
    const cells = this.#cells;
    for (let cell = 0; cell < cells.length; cell += STRIDE) {
      const key = cells[cell];
      if (key !== undefined) yield [key as string, cells[cell + 1] as StoredValue];
    }
  }

  /** Opens a live walk over the keys present now (see KeyCursor); close it when dropped. */
  openCursor(): KeyCursor {
    if (this.#bulkHashes !== undefined) this.#finishBulk();
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
    if (this.#bulkHashes !== undefined) this.#finishBulk();
    if (this.#index.size === 0) return undefined;
    const cellCount = this.#cells.length / STRIDE;
    for (let attempt = 0; attempt < 64; attempt++) {
      const key = this.#cells[random.int(cellCount) * STRIDE];
      if (key !== undefined) return key as string;
    }
    // Unlucky (or a sparse table while a snapshot freezes compaction): fall back to a walk.
    let skip = random.int(this.#index.size);
    for (const key of this.keys()) if (skip-- === 0) return key;
    return undefined;
  }

  /**
   * Up to `count` uniformly random keys with their access clocks (volatile eviction, the memory
   * gauge's size samples), read from the cells directly (no index lookup per sampled key). May
   * repeat a key.
   */
  sample(random: Random, count: number, keys: string[], clocks: number[]): void {
    if (this.#bulkHashes !== undefined) this.#finishBulk();
    if (this.#index.size === 0) return;
    const cellCount = this.#cells.length / STRIDE;
    for (let taken = 0, attempt = 0; taken < count && attempt < count * 64; attempt++) {
      const position = random.int(cellCount);
      const cell = position * STRIDE;
      const key = this.#cells[cell];
      if (key === undefined) continue;
      keys.push(key as string);
      clocks.push(this.#clocks[position] as number);
      taken++;
    }
  }

  /**
   * Eviction sampling without reading cells: up to `count` random live positions and their
   * access clocks, from the clock array alone (the key is read by keyAt only for the candidate
   * finally chosen). Positions hold until positionEpoch changes. May repeat a position.
   */
  samplePositions(random: Random, count: number, positions: number[], clocks: number[]): void {
    if (this.#bulkHashes !== undefined) this.#finishBulk();
    if (this.#index.size === 0) return;
    const cellCount = this.#cells.length / STRIDE;
    const clockArray = this.#clocks;
    for (let taken = 0, attempt = 0; taken < count && attempt < count * 64; attempt++) {
      const position = random.int(cellCount);
      const clock = clockArray[position] as number;
      if (clock === DEAD_CLOCK) continue;
      positions.push(position);
      clocks.push(clock);
      taken++;
    }
  }
}
