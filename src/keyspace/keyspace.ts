import { assert } from '../lib/assert.js';
import { Database, type DatabaseHost } from './database.js';

export interface KeyspaceOptions {
  databaseCount: number;
  /** Called for every key removed because its TTL passed (notifications, propagation as DEL). */
  onExpired?: (db: Database, key: string) => void;
}

/** Redis's LRU clock: seconds, 24 bits (LRU_CLOCK_RESOLUTION 1000 ms, LRU_CLOCK_MAX). */
const LRU_CLOCK_MAX = (1 << 24) - 1;

/**
 * All databases of a node, and the time every lookup is judged against. The server sets
 * `nowMs` before each command (and keeps it frozen through EXEC and scripts), so the keyspace
 * never reads a clock itself.
 */
export class Keyspace implements DatabaseHost {
  readonly databases: Database[];
  nowMs = 0;
  /** Keys removed by TTL since start (INFO expired_keys). */
  expiredKeys = 0;
  #onExpired: ((db: Database, key: string) => void) | undefined;

  constructor(options: KeyspaceOptions) {
    assert(options.databaseCount >= 1, 'at least one database');
    this.#onExpired = options.onExpired;
    this.databases = Array.from({ length: options.databaseCount }, (_, id) => new Database(id, this));
  }

  db(index: number): Database {
    const db = this.databases[index];
    assert(db !== undefined, `database ${index} exists`);
    return db;
  }

  /** The LRU clock (seconds, 24 bits); LFU replaces this in the eviction issue. */
  accessClock(_previous: number | undefined): number {
    return Math.floor(this.nowMs / 1000) & LRU_CLOCK_MAX;
  }

  /** Seconds since a key with this access clock was used (OBJECT IDLETIME). */
  idleSeconds(accessClock: number): number {
    const now = Math.floor(this.nowMs / 1000) & LRU_CLOCK_MAX;
    return now >= accessClock ? now - accessClock : LRU_CLOCK_MAX - accessClock + now;
  }

  onExpired(db: Database, key: string): void {
    this.expiredKeys++;
    this.#onExpired?.(db, key);
  }

  totalKeys(): number {
    let total = 0;
    for (const db of this.databases) total += db.size;
    return total;
  }

  flushAll(): number {
    let removed = 0;
    for (const db of this.databases) removed += db.flush();
    return removed;
  }

  swap(a: number, b: number): void {
    if (a === b) return;
    this.db(a).swapContents(this.db(b));
  }
}
