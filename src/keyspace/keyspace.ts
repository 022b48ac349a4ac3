import { assert } from '../lib/assert.js';
import { SeededRandom, type Random } from '../lib/random.js';
import { Database, type DatabaseHost } from './database.js';

export interface KeyspaceOptions {
  databaseCount: number;
  /** Called for every key removed because its TTL passed (notifications, propagation as DEL). */
  onExpired?: (db: Database, key: string) => void;
  /** A key was added (keyspace notification 'new'). */
  onNewKey?: (db: Database, key: string) => void;
  /** For the LFU counter's probabilistic increment; seeded in tests. */
  random?: Random;
}

/** What the access clock of a key holds: LRU seconds, or an LFU stamp (maxmemory-policy *-lfu). */
export type AccessMode = 'lru' | 'lfu';

/** Redis's LRU clock: seconds, 24 bits (LRU_CLOCK_RESOLUTION 1000 ms, LRU_CLOCK_MAX). */
const LRU_CLOCK_MAX = (1 << 24) - 1;
/** Redis's LFU_INIT_VAL: a new key's counter, so it is not evicted before it had a chance. */
const LFU_INIT_VALUE = 5;
const LFU_COUNTER_MAX = 255;
/** LFU stamps keep minutes in 16 bits. */
const LFU_MINUTES_MAX = 65535;

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
  #onNewKey: ((db: Database, key: string) => void) | undefined;
  #random: Random;
  /** Set from maxmemory-policy; switching does not convert stamps (nor does Redis). */
  accessMode: AccessMode = 'lru';
  /** lfu-log-factor and lfu-decay-time (minutes). */
  lfuLogFactor = 10;
  lfuDecayTimeMinutes = 1;

  constructor(options: KeyspaceOptions) {
    assert(options.databaseCount >= 1, 'at least one database');
    this.#onExpired = options.onExpired;
    this.#onNewKey = options.onNewKey;
    this.#random = options.random ?? new SeededRandom(1);
    this.databases = Array.from({ length: options.databaseCount }, (_, id) => new Database(id, this));
  }

  db(index: number): Database {
    const db = this.databases[index];
    assert(db !== undefined, `database ${index} exists`);
    return db;
  }

  /** The LRU stamp of an access now (seconds, 24 bits); -1 under LFU, whose stamp needs the previous one. */
  get lruClock(): number {
    return this.accessMode === 'lru' ? Math.floor(this.nowMs / 1000) & LRU_CLOCK_MAX : -1;
  }

  /**
   * The stamp stored when a key is used. LRU: the clock in seconds (24 bits). LFU: like Redis's
   * updateLFU, (minutes << 8) | counter, where the counter first decays by the time since the
   * last stamp, then grows with probability 1 / ((counter - 5) * lfu-log-factor + 1).
   */
  accessClock(previous: number | undefined): number {
    if (this.accessMode === 'lru') return this.lruClock;
    const minutes = this.#lfuMinutes();
    if (previous === undefined) return minutes * 256 + LFU_INIT_VALUE;
    let counter = this.lfuCounter(previous);
    if (counter < LFU_COUNTER_MAX) {
      const base = Math.max(0, counter - LFU_INIT_VALUE);
      if (this.#random.next() < 1 / (base * this.lfuLogFactor + 1)) counter++;
    }
    return minutes * 256 + counter;
  }

  /** The decayed LFU counter of a stamp (Redis's LFUDecrAndReturn; OBJECT FREQ). */
  lfuCounter(accessClock: number): number {
    const stampMinutes = accessClock >>> 8;
    const counter = accessClock & 255;
    const now = this.#lfuMinutes();
    const elapsed = now >= stampMinutes ? now - stampMinutes : LFU_MINUTES_MAX - stampMinutes + now;
    const periods = this.lfuDecayTimeMinutes > 0 ? Math.floor(elapsed / this.lfuDecayTimeMinutes) : 0;
    return periods > counter ? 0 : counter - periods;
  }

  #lfuMinutes(): number {
    return Math.floor(this.nowMs / 60000) & LFU_MINUTES_MAX;
  }

  /** Seconds since a key with this access clock was used (OBJECT IDLETIME). */
  idleSeconds(accessClock: number): number {
    const now = Math.floor(this.nowMs / 1000) & LRU_CLOCK_MAX;
    return now >= accessClock ? now - accessClock : LRU_CLOCK_MAX - accessClock + now;
  }

  onNewKey(db: Database, key: string): void {
    this.#onNewKey?.(db, key);
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
