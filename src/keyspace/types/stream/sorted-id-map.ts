import { compareIds, type StreamId } from './stream-id.js';

/**
 * A map from stream id to value kept in id order (a PEL). A sorted array: lookups and seeks by
 * binary search; inserts are almost always appends (entries are delivered in id order), and
 * removals (XACK) shift the array, which stays cheap at PEL sizes seen in practice.
 */
export class SortedIdMap<V> {
  #ids: StreamId[] = [];
  #values: V[] = [];

  get size(): number {
    return this.#ids.length;
  }

  /** The index of the first id >= id. */
  lowerBound(id: StreamId): number {
    const ids = this.#ids;
    let lo = 0;
    let hi = ids.length;
    if (hi > 0 && compareIds(ids[hi - 1] as StreamId, id) < 0) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(ids[mid] as StreamId, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(id: StreamId): V | undefined {
    const at = this.lowerBound(id);
    const found = this.#ids[at];
    return found !== undefined && compareIds(found, id) === 0 ? this.#values[at] : undefined;
  }

  /** Inserts or replaces; returns true when the id was new. */
  set(id: StreamId, value: V): boolean {
    const at = this.lowerBound(id);
    const found = this.#ids[at];
    if (found !== undefined && compareIds(found, id) === 0) {
      this.#values[at] = value;
      return false;
    }
    if (at === this.#ids.length) {
      this.#ids.push(id);
      this.#values.push(value);
    } else {
      this.#ids.splice(at, 0, id);
      this.#values.splice(at, 0, value);
    }
    return true;
  }

  delete(id: StreamId): boolean {
    const at = this.lowerBound(id);
    const found = this.#ids[at];
    if (found === undefined || compareIds(found, id) !== 0) return false;
    this.#ids.splice(at, 1);
    this.#values.splice(at, 1);
    return true;
  }

  idAt(index: number): StreamId | undefined {
    return this.#ids[index];
  }

  valueAt(index: number): V | undefined {
    return this.#values[index];
  }

  first(): StreamId | undefined {
    return this.#ids[0];
  }

  last(): StreamId | undefined {
    return this.#ids[this.#ids.length - 1];
  }

  *entries(): IterableIterator<[StreamId, V]> {
    for (let i = 0; i < this.#ids.length; i++) yield [this.#ids[i] as StreamId, this.#values[i] as V];
  }
}
