import { SLOT_COUNT, keyHashSlot } from '../lib/hash-slot.js';
import type { Random } from '../lib/random.js';
import { SlotDict } from './slot-dict.js';
import type { StoredValue } from './stored-value.js';

/** What a database needs from its owner: the command's time and an access-clock stamp. */
export interface DatabaseHost {
  /** The current command's time; frozen for the length of a command, like Redis. */
  readonly nowMs: number;
  /** The value stored as a key's access clock when it is read or written (LRU or LFU). */
  accessClock(previous: number | undefined): number;
  /** A key was found expired and removed (lazily or by the active cycle). */
  onExpired(db: Database, key: string): void;
}

/** How many keys with a TTL one active-expire step samples before checking its time budget. */
const ACTIVE_EXPIRE_KEYS_PER_LOOP = 20;

/**
 * One numbered database: an array of 16384 per-slot dictionaries (created on first use, dropped
 * when empty), and a map of expiry times for the keys that have one. Keys are latin1 strings.
 */
export class Database {
  readonly id: number;
  readonly #host: DatabaseHost;
  #slots: Array<SlotDict | undefined> = new Array(SLOT_COUNT);
  #expiresAtMs = new Map<string, number>();
  /**
   * The exact expiry of the rare keys whose expiry is past 2^53 ms (year 287,396; PEXPIREAT
   * accepts any int64): the number in #expiresAtMs is then rounded, so PEXPIRETIME reads here.
   */
  #hugeExpiresAtMs = new Map<string, bigint>();
  #size = 0;
  /** Where the active expire cycle resumes (keys are visited in insertion order). */
  #expireCursor: Iterator<[string, number]> | undefined;

  constructor(id: number, host: DatabaseHost) {
    this.id = id;
    this.#host = host;
  }

  get size(): number {
    return this.#size;
  }

  get expiresCount(): number {
    return this.#expiresAtMs.size;
  }

  /** Looks a key up for a command: removes it if expired, stamps its access clock. */
  lookup(key: string): StoredValue | undefined {
    if (this.#expiresAtMs.size > 0 && this.#expireIfNeeded(key)) return undefined;
    return this.#slots[keyHashSlot(key)]?.getAndTouch(key, this.#host);
  }

  /** Like lookup, without touching the access clock (TYPE, OBJECT, TTL...). */
  peek(key: string): StoredValue | undefined {
    if (this.#expiresAtMs.size > 0 && this.#expireIfNeeded(key)) return undefined;
    return this.#slots[keyHashSlot(key)]?.get(key);
  }

  exists(key: string): boolean {
    return this.peek(key) !== undefined;
  }

  /** Stores a value. Overwriting clears the TTL unless keepTtl (SET semantics). */
  set(key: string, value: StoredValue, keepTtl = false): void {
    const slot = keyHashSlot(key);
    let dict = this.#slots[slot];
    if (dict === undefined) this.#slots[slot] = dict = new SlotDict();
    if (dict.set(key, value, this.#host.accessClock(undefined))) this.#size++;
    else if (!keepTtl && this.#expiresAtMs.size > 0) this.#removeExpire(key);
  }

  /** Adds a key with a given access clock (RENAME, MOVE keep the value's LRU/LFU data). */
  setWithAccessClock(key: string, value: StoredValue, accessClock: number): void {
    const slot = keyHashSlot(key);
    let dict = this.#slots[slot];
    if (dict === undefined) this.#slots[slot] = dict = new SlotDict();
    if (dict.set(key, value, accessClock)) this.#size++;
    else if (this.#expiresAtMs.size > 0) this.#removeExpire(key);
  }

  /** Replaces the value of an existing key, keeping its TTL and access clock. */
  replace(key: string, value: StoredValue): void {
    const dict = this.#slots[keyHashSlot(key)];
    const clock = dict?.accessClockOf(key);
    if (dict === undefined || clock === undefined) {
      this.set(key, value, true);
      return;
    }
    dict.set(key, value, clock);
  }

  /** Removes a key and its TTL. Returns the value it held. */
  delete(key: string): StoredValue | undefined {
    const slot = keyHashSlot(key);
    const dict = this.#slots[slot];
    if (dict === undefined) return undefined;
    const value = dict.delete(key);
    if (value === undefined) return undefined;
    this.#size--;
    if (this.#expiresAtMs.size > 0) this.#removeExpire(key);
    if (dict.size === 0) this.#slots[slot] = undefined;
    return value;
  }

  /** Absolute expiry in ms, or undefined when the key has no TTL. Does not check existence. */
  expireAtMs(key: string): number | undefined {
    return this.#expiresAtMs.get(key);
  }

  /** The expiry exactly as set (bigint only when past 2^53 ms), or undefined. */
  exactExpireAtMs(key: string): number | bigint | undefined {
    if (this.#hugeExpiresAtMs.size > 0) {
      const huge = this.#hugeExpiresAtMs.get(key);
      if (huge !== undefined) return huge;
    }
    return this.#expiresAtMs.get(key);
  }

  /** Sets a key's absolute expiry. A bigint keeps int64 precision past 2^53 ms. */
  setExpireAtMs(key: string, atMs: number | bigint): void {
    if (this.#hugeExpiresAtMs.size > 0) this.#hugeExpiresAtMs.delete(key);
    if (typeof atMs === 'bigint') {
      if (atMs > BigInt(Number.MAX_SAFE_INTEGER) || atMs < BigInt(Number.MIN_SAFE_INTEGER)) this.#hugeExpiresAtMs.set(key, atMs);
      atMs = Number(atMs);
    }
    this.#expiresAtMs.set(key, atMs);
  }

  /** Removes the TTL; true when there was one. */
  persist(key: string): boolean {
    return this.#removeExpire(key);
  }

  #removeExpire(key: string): boolean {
    if (this.#hugeExpiresAtMs.size > 0) this.#hugeExpiresAtMs.delete(key);
    return this.#expiresAtMs.delete(key);
  }

  /** True when the key has a TTL in the past, without removing it (KEYS skips such keys). */
  isLogicallyExpired(key: string): boolean {
    if (this.#expiresAtMs.size === 0) return false;
    const atMs = this.#expiresAtMs.get(key);
    return atMs !== undefined && this.#host.nowMs > atMs;
  }

  accessClockOf(key: string): number | undefined {
    return this.#slots[keyHashSlot(key)]?.accessClockOf(key);
  }

  setAccessClock(key: string, accessClock: number): void {
    this.#slots[keyHashSlot(key)]?.setAccessClock(key, accessClock);
  }

  /** True when the key has a TTL in the past; removes it then (Redis: now > when). */
  #expireIfNeeded(key: string): boolean {
    const atMs = this.#expiresAtMs.get(key);
    if (atMs === undefined || !(this.#host.nowMs > atMs)) return false;
    this.delete(key);
    this.#host.onExpired(this, key);
    return true;
  }

  /** Removes every key; returns how many there were. */
  flush(): number {
    const removed = this.#size;
    this.#slots = new Array(SLOT_COUNT);
    this.#expiresAtMs = new Map();
    this.#hugeExpiresAtMs = new Map();
    this.#expireCursor = undefined;
    this.#size = 0;
    return removed;
  }

  /** Exchanges contents with another database (SWAPDB). */
  swapContents(other: Database): void {
    [this.#slots, other.#slots] = [other.#slots, this.#slots];
    [this.#expiresAtMs, other.#expiresAtMs] = [other.#expiresAtMs, this.#expiresAtMs];
    [this.#hugeExpiresAtMs, other.#hugeExpiresAtMs] = [other.#hugeExpiresAtMs, this.#hugeExpiresAtMs];
    [this.#size, other.#size] = [other.#size, this.#size];
    this.#expireCursor = undefined;
    other.#expireCursor = undefined;
  }

  countKeysInSlot(slot: number): number {
    return this.#slots[slot]?.size ?? 0;
  }

  /** Up to maxCount keys of a slot (CLUSTER GETKEYSINSLOT). */
  keysInSlot(slot: number, maxCount: number): string[] {
    const out: string[] = [];
    const dict = this.#slots[slot];
    if (dict === undefined) return out;
    for (const key of dict.keys()) {
      if (out.length >= maxCount) break;
      out.push(key);
    }
    return out;
  }

  /** Every key (KEYS, snapshots). Keys may be expired: callers that reply check with peek(). */
  *keys(): IterableIterator<string> {
    for (const dict of this.#slots) if (dict !== undefined) yield* dict.keys();
  }

  *entries(): IterableIterator<[string, StoredValue]> {
    for (const dict of this.#slots) if (dict !== undefined) yield* dict.entries();
  }

  /**
   * One SCAN step. The cursor is the next slot to visit; each slot is returned whole, so every
   * key present for the whole scan is returned (Redis's guarantee) however keys come and go.
   * Visits slots until at least `count` keys were offered. Returns the next cursor (0 = done).
   * Trade-off: a single slot holding a huge number of keys (one hash tag) comes back in one reply.
   */
  scan(cursor: number, count: number, visit: (key: string, value: StoredValue) => void): number {
    let slot = cursor;
    let offered = 0;
    while (slot < SLOT_COUNT && offered < count) {
      const dict = this.#slots[slot];
      slot++;
      if (dict === undefined) continue;
      for (const [key, value] of dict.entries()) {
        visit(key, value);
        offered++;
      }
    }
    return slot >= SLOT_COUNT ? 0 : slot;
  }

  /**
   * A random live key, or undefined when empty (RANDOMKEY). Like Redis's dbRandomKey, expired
   * keys met on the way are removed and the search goes on: every attempt either returns or
   * removes a key, so the database size bounds the loop.
   */
  randomKey(random: Random): string | undefined {
    const maxAttempts = this.#size + 1;
    for (let attempt = 0; attempt < maxAttempts && this.#size > 0; attempt++) {
      const key = this.#randomStoredKey(random);
      if (key === undefined) return undefined;
      const atMs = this.#expiresAtMs.get(key);
      if (atMs !== undefined && this.#host.nowMs > atMs) {
        this.delete(key);
        this.#host.onExpired(this, key);
        continue;
      }
      return key;
    }
    return undefined;
  }

  #randomStoredKey(random: Random): string | undefined {
    if (this.#size === 0) return undefined;
    let dict: SlotDict | undefined;
    for (let probe = 0; probe < 32 && dict === undefined; probe++) dict = this.#slots[random.int(SLOT_COUNT)];
    if (dict === undefined) {
      const start = random.int(SLOT_COUNT);
      for (let i = 0; i < SLOT_COUNT && dict === undefined; i++) dict = this.#slots[(start + i) % SLOT_COUNT];
    }
    if (dict === undefined) return undefined;
    let skip = random.int(dict.size);
    for (const key of dict.keys()) if (skip-- === 0) return key;
    return undefined;
  }

  /**
   * One round of active expiry: checks keys with a TTL in insertion order, resuming where the
   * last round stopped, and removes expired ones. Stops when `shouldStop()` says the time budget
   * is spent, when a whole loop found few expired keys (as Redis's 25% rule), or when every key
   * with a TTL was checked once. Returns how many keys were removed.
   */
  activeExpire(shouldStop: () => boolean): number {
    let removed = 0;
    let checkedTotal = 0;
    const total = this.#expiresAtMs.size;
    const nowMs = this.#host.nowMs;
    while (checkedTotal < total) {
      let checked = 0;
      let expired = 0;
      while (checked < ACTIVE_EXPIRE_KEYS_PER_LOOP && checkedTotal < total) {
        this.#expireCursor ??= this.#expiresAtMs.entries();
        const next = this.#expireCursor.next();
        if (next.done) {
          this.#expireCursor = undefined;
          if (checked === 0) return removed;
          break;
        }
        checked++;
        checkedTotal++;
        const [key, atMs] = next.value;
        if (nowMs > atMs) {
          this.delete(key);
          this.#host.onExpired(this, key);
          expired++;
        }
      }
      removed += expired;
      if (expired * 4 < checked || shouldStop()) break;
    }
    return removed;
  }
}
