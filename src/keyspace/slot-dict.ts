import type { StoredValue } from './stored-value.js';

/**
 * The keys of one hash slot. A Map from key to a cell index, and one flat array of cells:
 * `cells[i]` is the value, `cells[i + 1]` the key's access clock (LRU seconds or LFU counter,
 * Redis's robj.lru). This keeps per-key metadata without a per-key object: measured at ~126
 * heap bytes per small string key vs ~104 for a bare Map (docs/keyspace-layout.md).
 */
export class SlotDict {
  readonly index = new Map<string, number>();
  #cells: Array<StoredValue | number> = [];
  #freeCells: number[] = [];

  get size(): number {
    return this.index.size;
  }

  get(key: string): StoredValue | undefined {
    const cell = this.index.get(key);
    return cell === undefined ? undefined : (this.#cells[cell] as StoredValue);
  }

  /** Reads the value and stamps its access clock (one hash lookup: this is the GET path). */
  getAndTouch(key: string, stamp: { accessClock(previous: number | undefined): number }): StoredValue | undefined {
    const cell = this.index.get(key);
    if (cell === undefined) return undefined;
    this.#cells[cell + 1] = stamp.accessClock(this.#cells[cell + 1] as number);
    return this.#cells[cell] as StoredValue;
  }

  accessClockOf(key: string): number | undefined {
    const cell = this.index.get(key);
    return cell === undefined ? undefined : (this.#cells[cell + 1] as number);
  }

  setAccessClock(key: string, accessClock: number): void {
    const cell = this.index.get(key);
    if (cell !== undefined) this.#cells[cell + 1] = accessClock;
  }

  /** Inserts or overwrites; returns true when the key is new. */
  set(key: string, value: StoredValue, accessClock: number): boolean {
    let cell = this.index.get(key);
    const added = cell === undefined;
    if (cell === undefined) {
      cell = this.#freeCells.length > 0 ? (this.#freeCells.pop() as number) : this.#cells.length;
      this.index.set(key, cell);
    }
    this.#cells[cell] = value;
    this.#cells[cell + 1] = accessClock;
    return added;
  }

  delete(key: string): StoredValue | undefined {
    const cell = this.index.get(key);
    if (cell === undefined) return undefined;
    const value = this.#cells[cell] as StoredValue;
    this.index.delete(key);
    this.#cells[cell] = 0; // drop the reference so the value can be collected
    this.#freeCells.push(cell);
    if (this.#freeCells.length > 64 && this.#freeCells.length * 2 > this.#cells.length / 2) this.#compact();
    return value;
  }

  keys(): IterableIterator<string> {
    return this.index.keys();
  }

  *entries(): IterableIterator<[string, StoredValue]> {
    for (const [key, cell] of this.index) yield [key, this.#cells[cell] as StoredValue];
  }

  /** Rebuilds the cell array without holes once more than half of it is free. */
  #compact(): void {
    const cells: Array<StoredValue | number> = [];
    for (const [key, cell] of this.index) {
      this.index.set(key, cells.length);
      cells.push(this.#cells[cell] as StoredValue, this.#cells[cell + 1] as number);
    }
    this.#cells = cells;
    this.#freeCells = [];
  }
}
