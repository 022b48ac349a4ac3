/** A client as WATCH needs it (a Session). */
export interface Watcher {
  /** A watched key was touched since WATCH: the next EXEC fails (Redis's CLIENT_DIRTY_CAS). */
  watchDirty: boolean;
}

interface WatchedKey {
  readonly dbIndex: number;
  readonly key: string;
  /** The key was already logically expired when watched (Redis's watchedKey.expired). */
  readonly expiredWhenWatched: boolean;
}

/**
 * WATCH: which clients watch which keys. Any write to a watched key (by any client, itself
 * included), its expiry, or a flush of its database marks the watchers dirty, so their EXEC
 * returns a null reply (optimistic locking, https://redis.io/docs/interact/transactions/).
 */
export class WatchRegistry<W extends Watcher> {
  readonly #byKey = new Map<number, Map<string, Set<W>>>();
  readonly #byClient = new Map<W, WatchedKey[]>();

  get watchingClients(): number {
    return this.#byClient.size;
  }

  watch(client: W, dbIndex: number, key: string, expiredNow: boolean): void {
    const list = this.#byClient.get(client) ?? [];
    if (list.some((entry) => entry.dbIndex === dbIndex && entry.key === key)) return;
    list.push({ dbIndex, key, expiredWhenWatched: expiredNow });
    this.#byClient.set(client, list);
    let keys = this.#byKey.get(dbIndex);
    if (keys === undefined) this.#byKey.set(dbIndex, (keys = new Map()));
    let watchers = keys.get(key);
    if (watchers === undefined) keys.set(key, (watchers = new Set()));
    watchers.add(client);
  }

  /** Keys this client watches, for EXEC's expiry check. */
  watchedBy(client: W): readonly WatchedKey[] {
    return this.#byClient.get(client) ?? [];
  }

  unwatchAll(client: W): void {
    client.watchDirty = false;
    const list = this.#byClient.get(client);
    if (list === undefined) return;
    this.#byClient.delete(client);
    for (const { dbIndex, key } of list) {
      const keys = this.#byKey.get(dbIndex);
      const watchers = keys?.get(key);
      if (keys === undefined || watchers === undefined) continue;
      watchers.delete(client);
      if (watchers.size === 0) keys.delete(key);
      if (keys.size === 0) this.#byKey.delete(dbIndex);
    }
  }

  /** Keys written in a database (null keys: every watched key there; null db: every database). */
  touch(dbIndex: number | null, keys: readonly string[] | null): void {
    if (this.#byClient.size === 0) return;
    for (const [db, byKey] of this.#byKey) {
      if (dbIndex !== null && db !== dbIndex) continue;
      if (keys === null) {
        for (const watchers of byKey.values()) for (const client of watchers) client.watchDirty = true;
      } else {
        for (const key of keys) for (const client of byKey.get(key) ?? []) client.watchDirty = true;
      }
    }
  }
}
