import { compareIds, type StreamId } from './stream-id.js';

/** Removed front slots kept before the arrays are compacted (amortized O(1) removal at the front). */
const FRONT_SLACK_MIN = 64;

/**
 * A map from stream id to value kept in id order (a PEL). Sorted arrays: lookups and seeks by
 * binary search; inserts are almost always appends (entries are delivered in id order) and
 * removals mostly at the front (acknowledged in order), which only move a head index; other
 * removals shift the arrays, which stays cheap at PEL sizes seen in practice.
 */
export class SortedIdMap<V> {
  #ids: Array<StreamId | undefined> = [];
  #values: Array<V | undefined> = [];
  /** Index of the first live slot: slots before it were removed from the front. */
  #head = 0;

  get size(): number {
    return this.#ids.length - this.#head;
  }

  /** The index (0 = first entry) of the first id >= id. */
  lowerBound(id: StreamId): number {
    const ids = this.#ids;
    const head = this.#head;
    let lo = head;
    let hi = ids.length;
    if (hi > lo && compareIds(ids[hi - 1] as StreamId, id) < 0) return hi - head;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(ids[mid] as StreamId, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo - head;
  }

  #find(id: StreamId): number {
    const at = this.lowerBound(id);
    const found = this.#ids[this.#head + at];
    return found !== undefined && compareIds(found, id) === 0 ? at : -1;
  }

  get(id: StreamId): V | undefined {
    const at = this.#find(id);
    return at === -1 ? undefined : this.#values[this.#head + at];
  }

  /** Inserts or replaces; returns true when the id was new. */
  set(id: StreamId, value: V): boolean {
    const at = this.lowerBound(id);
    const slot = this.#head + at;
    const found = this.#ids[slot];
    if (found !== undefined && compareIds(found, id) === 0) {
      this.#values[slot] = value;
      return false;
    }
    if (slot === this.#ids.length) {
      this.#ids.push(id);
      this.#values.push(value);
    } else {
      this.#ids.splice(slot, 0, id);
      this.#values.splice(slot, 0, value);
    }
    return true;
  }

  delete(id: StreamId): boolean {
    const at = this.#find(id);
    if (at === -1) return false;
    if (at === 0) {
      this.#ids[this.#head] = undefined;
      this.#values[this.#head] = undefined;
      this.#head++;
      if (this.#head === this.#ids.length) {
        this.#ids = [];
        this.#values = [];
        this.#head = 0;
      } else if (this.#head >= FRONT_SLACK_MIN && this.#head * 2 >= this.#ids.length) {
        this.#ids = this.#ids.slice(this.#head);
        this.#values = this.#values.slice(this.#head);
        this.#head = 0;
      }
      return true;
    }
    this.#ids.splice(this.#head + at, 1);
    this.#values.splice(this.#head + at, 1);
    return true;
  }

  idAt(index: number): StreamId | undefined {
    return index < 0 ? undefined : this.#ids[this.#head + index];
  }

  valueAt(index: number): V | undefined {
    return index < 0 ? undefined : this.#values[this.#head + index];
  }

  first(): StreamId | undefined {
    return this.#ids[this.#head];
  }

  last(): StreamId | undefined {
    return this.size === 0 ? undefined : this.#ids[this.#ids.length - 1];
  }

  *entries(): IterableIterator<[StreamId, V]> {
    for (let i = this.#head; i < this.#ids.length; i++) yield [this.#ids[i] as StreamId, this.#values[i] as V];
  }
}
