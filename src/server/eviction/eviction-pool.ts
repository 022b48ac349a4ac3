/** Redis's EVPOOL_SIZE: the candidates kept between eviction rounds. */
export const EVICTION_POOL_SIZE = 16;

/**
 * Redis's eviction pool (evict.c): the best eviction candidates seen so far, sorted by score
 * ascending (the best, highest score, at the right). Each round adds a few sampled keys; the
 * pool remembers good candidates from earlier rounds, which makes sampling approximate true
 * LRU / LFU / TTL order far better than the samples of one round alone.
 *
 * Scores: LRU idle seconds, LFU 255 - counter, TTL a larger number for a sooner expiry.
 */
export class EvictionPool {
  readonly #scores = new Float64Array(EVICTION_POOL_SIZE);
  /**
   * The candidates' keys: a string, or null for a candidate known by its cell position only
   * (allkeys sampling reads no key strings: the caller reads the key of the one it picks);
   * undefined marks an empty entry.
   */
  readonly #keys: Array<string | null | undefined> = new Array<string | null | undefined>(EVICTION_POOL_SIZE).fill(undefined);
  readonly #dbs = new Int32Array(EVICTION_POOL_SIZE);
  /**
   * A number identifying each entry's key, given by the caller (the key's cell position, or a
   * hash of the key): a sampled key is compared with the pool's keys through these first.
   * Comparing the strings themselves touched 16 key strings scattered over the heap per sampled
   * key (a cache miss each: 17% of the node's CPU under allkeys-lru eviction). Equal
   * fingerprints still compare the keys, so a stale position (cells compacted since) costs at
   * most a missed re-score.
   */
  readonly #fingerprints = new Int32Array(EVICTION_POOL_SIZE);
  /** For position candidates: the table's position epoch when sampled (see KeyTable.positionEpoch). */
  readonly #epochs = new Float64Array(EVICTION_POOL_SIZE);

  get size(): number {
    let size = 0;
    for (const key of this.#keys) if (key !== undefined) size++;
    return size;
  }

  /**
   * Offers a candidate; ignored when the pool is full of ones at least as good. A key already
   * in it is re-scored when the offer is not ignored. `key` null: a position candidate
   * (fingerprint = its position, with its epoch).
   */
  insert(score: number, dbIndex: number, key: string | null, fingerprint: number, epoch = 0): void {
    const keys = this.#keys;
    // Most samples of a full pool are no better than its worst entry: skipped before the
    // duplicate search, as Redis's evictionPoolPopulate skips them (a copy of this candidate
    // already in the pool then keeps its earlier score, as in Redis, which never de-duplicates).
    if (keys[EVICTION_POOL_SIZE - 1] !== undefined && (this.#scores[0] as number) >= score) return;
    this.#remove(dbIndex, key, fingerprint, epoch);
    let k = 0;
    while (k < EVICTION_POOL_SIZE && keys[k] !== undefined && (this.#scores[k] as number) < score) k++;
    if (k === 0 && keys[EVICTION_POOL_SIZE - 1] !== undefined) return; // worse than all, pool full
    if (k < EVICTION_POOL_SIZE && keys[k] === undefined) {
      // Empty slot at k: everything to its right is empty too (entries are packed left).
    } else if (keys[EVICTION_POOL_SIZE - 1] === undefined) {
      // Free room at the right: shift k.. one step right.
      for (let i = EVICTION_POOL_SIZE - 1; i > k; i--) this.#move(i - 1, i);
    } else {
      // Full: drop the worst (leftmost), shift 1..k-1 one step left, insert at k-1.
      k--;
      for (let i = 0; i < k; i++) this.#move(i + 1, i);
    }
    this.#scores[k] = score;
    keys[k] = key;
    this.#dbs[k] = dbIndex;
    this.#fingerprints[k] = fingerprint;
    this.#epochs[k] = epoch;
  }

  /**
   * Takes candidates best first until `resolve` (does the key still exist, and still qualify?
   * for a position candidate: which key is it now?) gives something; returns that, or
   * undefined when the pool ran empty.
   */
  popBest<T>(resolve: (dbIndex: number, key: string | null, fingerprint: number, epoch: number) => T | undefined): T | undefined {
    for (let k = EVICTION_POOL_SIZE - 1; k >= 0; k--) {
      const key = this.#keys[k];
      if (key === undefined) continue;
      this.#keys[k] = undefined;
      const resolved = resolve(this.#dbs[k] as number, key, this.#fingerprints[k] as number, this.#epochs[k] as number);
      if (resolved !== undefined) return resolved;
    }
    return undefined;
  }

  clear(): void {
    this.#keys.fill(undefined);
  }

  #remove(dbIndex: number, key: string | null, fingerprint: number, epoch: number): void {
    const keys = this.#keys;
    for (let k = 0; k < EVICTION_POOL_SIZE; k++) {
      if (this.#fingerprints[k] === fingerprint && this.#dbs[k] === dbIndex && keys[k] === key && this.#epochs[k] === epoch) {
        for (let i = k; i < EVICTION_POOL_SIZE - 1; i++) this.#move(i + 1, i);
        keys[EVICTION_POOL_SIZE - 1] = undefined;
        return;
      }
    }
  }

  #move(from: number, to: number): void {
    this.#scores[to] = this.#scores[from] as number;
    this.#keys[to] = this.#keys[from];
    this.#dbs[to] = this.#dbs[from] as number;
    this.#fingerprints[to] = this.#fingerprints[from] as number;
    this.#epochs[to] = this.#epochs[from] as number;
  }
}

