import type { Random } from '../lib/random.js';
import type { StoredValue } from './stored-value.js';

/**
 * Watches a table while a snapshot walks it (src/persistence/snapshot): Database calls
 * beforeAccess(key) before it reads, writes, deletes or re-times a key of a watched table, so the
 * snapshot can save the key's old state first (copy-on-write at key granularity).
 */
export interface TableWatch {
  beforeAccess(key: string): void;
}

/** Cells per key in the flat array: key, value, access clock. */
const STRIDE = 3;

/**
 * The keys of one database: a Map from key to a cell, and one flat array of cells holding
 * `[key, value, accessClock]` (the access clock is Redis's robj.lru: LRU seconds or the LFU
 * word). One Map per database, not one per slot: random lookups were measured twice as fast
 * (docs/keyspace-layout.md). The key in the cell gives O(1) random sampling (RANDOMKEY,
 * eviction). Freed cells are reused; the array is compacted when more than half is free.
 *
 * Limit: a V8 Map holds at most 2^24 entries, so one database holds at most MAX_KEYS keys;
 * Database turns that into an OOM error rather than a crash.
 */
export class KeyTable {
  static readonly MAX_KEYS = (1 << 24) - 1;
  readonly #index = new Map<string, number>();
  #cells: Array<StoredValue | string | number | undefined> = [];
  #freeCells: number[] = [];
  /** Set while a snapshot walks this table (see TableWatch); undefined otherwise. */
  watch: TableWatch | undefined;
  /**
   * While frozen (a snapshot walks cells by position), cells keep their positions: no
   * compaction and no reuse of freed cells, so a new key always lands past the walk's end.
   */
  #frozen = false;

  get size(): number {
    return this.#index.size;
  }

  has(key: string): boolean {
    return this.#index.has(key);
  }

  get(key: string): StoredValue | undefined {
    const cell = this.#index.get(key);
    return cell === undefined ? undefined : (this.#cells[cell + 1] as StoredValue);
  }

  /** Reads the value and stamps its access clock (one hash lookup: the GET path). */
  getAndTouch(key: string, stamp: { accessClock(previous: number | undefined): number }): StoredValue | undefined {
    const cell = this.#index.get(key);
    if (cell === undefined) return undefined;
    this.#cells[cell + 2] = stamp.accessClock(this.#cells[cell + 2] as number);
    return this.#cells[cell + 1] as StoredValue;
  }

  accessClockOf(key: string): number | undefined {
    const cell = this.#index.get(key);
    return cell === undefined ? undefined : (this.#cells[cell + 2] as number);
  }

  setAccessClock(key: string, accessClock: number): void {
    const cell = this.#index.get(key);
    if (cell !== undefined) this.#cells[cell + 2] = accessClock;
  }

  /** Inserts or overwrites; true when the key is new. */
  set(key: string, value: StoredValue, accessClock: number): boolean {
    let cell = this.#index.get(key);
    const added = cell === undefined;
    if (cell === undefined) {
      cell = this.#freeCells.length > 0 && !this.#frozen ? (this.#freeCells.pop() as number) : this.#cells.length;
      this.#index.set(key, cell);
      this.#cells[cell] = key;
    }
    this.#cells[cell + 1] = value;
    this.#cells[cell + 2] = accessClock;
    return added;
  }

  delete(key: string): StoredValue | undefined {
    const cell = this.#index.get(key);
    if (cell === undefined) return undefined;
    const value = this.#cells[cell + 1] as StoredValue;
    this.#index.delete(key);
    // Drop the references so key and value can be collected; undefined marks a free cell.
    this.#cells[cell] = undefined;
    this.#cells[cell + 1] = undefined;
    this.#freeCells.push(cell);
    if (!this.#frozen && this.#freeCells.length > 64 && this.#freeCells.length * STRIDE * 2 > this.#cells.length) this.#compact();
    return value;
  }

  /** Freezes cell positions (see #frozen) while a snapshot walks them; false thaws. */
  freezeCells(frozen: boolean): void {
    this.#frozen = frozen;
  }

  /** Cells ever allocated (live or free): positions run from 0 to cellCount - 1. */
  get cellCount(): number {
    return this.#cells.length / STRIDE;
  }

  /** The position of a key's cell, or undefined when absent. */
  positionOf(key: string): number | undefined {
    const cell = this.#index.get(key);
    return cell === undefined ? undefined : cell / STRIDE;
  }

  /** The key at a cell position, undefined for a free cell. */
  keyAt(position: number): string | undefined {
    return this.#cells[position * STRIDE] as string | undefined;
  }

  valueAt(position: number): StoredValue {
    return this.#cells[position * STRIDE + 1] as StoredValue;
  }

  accessClockAt(position: number): number {
    return this.#cells[position * STRIDE + 2] as number;
  }

  keys(): IterableIterator<string> {
    return this.#index.keys();
  }

  *entries(): IterableIterator<[string, StoredValue]> {
    for (const [key, cell] of this.#index) yield [key, this.#cells[cell + 1] as StoredValue];
  }

  /**
   * A live iterator over the keys in insertion order. It survives inserts and deletes between
   * steps (a JS Map iterator does): keys present for its whole life are visited exactly once.
   */
  keyIterator(): Iterator<string> {
    return this.#index.keys();
  }

  /** A uniformly random key, or undefined when empty: O(1) expected (at least half the cells are live). */
  randomKey(random: Random): string | undefined {
    if (this.#index.size === 0) return undefined;
    const cellCount = this.#cells.length / STRIDE;
    for (let attempt = 0; attempt < 64; attempt++) {
      const key = this.#cells[random.int(cellCount) * STRIDE];
      if (key !== undefined) return key as string;
    }
    // Unlucky (or a very sparse table between compactions): fall back to a walk.
    let skip = random.int(this.#index.size);
    for (const key of this.#index.keys()) if (skip-- === 0) return key;
    return undefined;
  }

  /**
   * Eviction sampling: up to `count` uniformly random keys with their access clocks, read from
   * the cells directly (no hash lookup per sampled key). May repeat a key.
   */
  sample(random: Random, count: number, keys: string[], clocks: number[]): void {
    if (this.#index.size === 0) return;
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

  #compact(): void {
    const cells: Array<StoredValue | string | number | undefined> = [];
    for (const [key, cell] of this.#index) {
      this.#index.set(key, cells.length);
      cells.push(key, this.#cells[cell + 1], this.#cells[cell + 2]);
    }
    this.#cells = cells;
    this.#freeCells = [];
  }
}
