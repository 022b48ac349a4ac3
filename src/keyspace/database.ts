import { ReplyError } from '../lib/errors.js';
import { SLOT_COUNT, keyHashSlot } from '../lib/hash-slot.js';
import type { Random } from '../lib/random.js';
import { type KeyCursor, KeyTable, type TableWatch } from './key-table.js';
import { SlotKeyIndex } from './slot-key-index.js';
import type { StoredValue } from './stored-value.js';

/** What a database needs from its owner: the command's time and an access-clock stamp. */
export interface DatabaseHost {
  /** The current command's time; frozen for the length of a command, like Redis. */
  readonly nowMs: number;
  /** The value stored as a key's access clock when it is read or written (LRU or LFU). */
  accessClock(previous: number | undefined): number;
  /** The LRU clock to store on access; -1 under LFU (whose stamp depends on the previous one). */
  readonly lruClock: number;
  /** A key was found expired and removed (lazily or by the active cycle). */
  onExpired(db: Database, key: string): void;
  /** A key was added that did not exist (Redis's dbAdd: the 'new' keyspace event). */
  onNewKey?(db: Database, key: string): void;
}

/**
 * A database's contents as one object graph (table and expiry maps): what a snapshot walks.
 * SWAPDB moves these between databases and FLUSHDB replaces them, so a snapshot holding them
 * keeps its point-in-time view (docs/snapshots.md).
 */
export interface DatabaseContents {
  readonly table: KeyTable;
  readonly expiresAtMs: ReadonlyMap<string, number>;
  readonly hugeExpiresAtMs: ReadonlyMap<string, bigint>;
}

/** How many keys with a TTL one active-expire step samples before checking its time budget. */
const ACTIVE_EXPIRE_KEYS_PER_LOOP = 20;
/** SCAN cursors (live iterators) kept per database; the least recently used is dropped beyond. */
const MAX_OPEN_SCANS = 1024;

/**
 * One numbered database: one table of keys (src/keyspace/key-table.ts), per-slot key counts,
 * and a map of expiry times for the keys that have one. Keys are latin1 strings.
 */
export class Database {
  readonly id: number;
  readonly #host: DatabaseHost;
  #table = new KeyTable();
  /** Keys per hash slot (COUNTKEYSINSLOT): built by the first count (a walk), then kept up to date. */
  #slotCounts: Uint32Array | undefined;
  /** The keys of each slot (GETKEYSINSLOT), built on first use: src/keyspace/slot-key-index.ts. */
  #slotIndex: SlotKeyIndex | undefined;
  /** Open SCAN cursors: cursor number → a live walk over the table (KeyCursor), oldest first. */
  #scans = new Map<number, { table: KeyTable; cursor: KeyCursor }>();
  #nextScanCursor = 1;
  #expiresAtMs = new Map<string, number>();
  /**
   * The exact expiry of the rare keys whose expiry is past 2^53 ms (year 287,396; PEXPIREAT
   * accepts any int64): the number in #expiresAtMs is then rounded, so PEXPIRETIME reads here.
   */
  #hugeExpiresAtMs = new Map<string, bigint>();
  /** Where the active expire cycle resumes (keys are visited in insertion order). */
  #expireCursor: Iterator<[string, number]> | undefined;
  /** Where volatile eviction sampling resumes (sampleVolatileKeys). */
  #sampleCursor: Iterator<string> | undefined;

  constructor(id: number, host: DatabaseHost) {
    this.id = id;
    this.#host = host;
  }

  get size(): number {
    return this.#table.size;
  }

  get expiresCount(): number {
    return this.#expiresAtMs.size;
  }

  /** Looks a key up for a command: removes it if expired, stamps its access clock. */
  lookup(key: string): StoredValue | undefined {
    // The snapshot hook (docs/snapshots.md): one field test when no snapshot runs.
    if (this.#table.watch !== undefined) this.#table.watch.beforeAccess(key);
    if (this.#expiresAtMs.size > 0 && this.#expireIfNeeded(key)) return undefined;
    return this.#table.getAndTouch(key, this.#host);
  }

  /** Like lookup, without touching the access clock (TYPE, OBJECT, TTL...). */
  peek(key: string): StoredValue | undefined {
    if (this.#table.watch !== undefined) this.#table.watch.beforeAccess(key);
    if (this.#expiresAtMs.size > 0 && this.#expireIfNeeded(key)) return undefined;
    return this.#table.get(key);
  }

  /**
   * The stored value as it is, even past its TTL, with no lazy expiry, access stamp or snapshot
   * hook: for estimates (the memory gauge's key sampling) that must not change the dataset and
   * never hand the value to a command.
   */
  storedValueForEstimate(key: string): StoredValue | undefined {
    return this.#table.get(key);
  }

  exists(key: string): boolean {
    return this.peek(key) !== undefined;
  }

  /** Stores a value. Overwriting clears the TTL unless keepTtl (SET semantics). */
  set(key: string, value: StoredValue, keepTtl = false): void {
    this.#store(key, value, this.#host.accessClock(undefined), keepTtl);
  }

  /** Adds a key with a given access clock (RENAME, MOVE keep the value's LRU/LFU data). */
  setWithAccessClock(key: string, value: StoredValue, accessClock: number): void {
    this.#store(key, value, accessClock, false);
  }

  #store(key: string, value: StoredValue, accessClock: number, keepTtl: boolean): void {
    if (this.#table.watch !== undefined) this.#table.watch.beforeAccess(key);
    // Overwriting a key whose time has passed expires it first, like Redis's setKey
    // (lookupKeyWrite): the 'expired' notification, then a new key.
    if (this.#expiresAtMs.size > 0) this.#expireIfNeeded(key);
    if (this.#table.size >= KeyTable.MAX_KEYS && !this.#table.has(key)) {
      throw new ReplyError(`OOM this database holds the most keys one Tessera node supports (${KeyTable.MAX_KEYS})`);
    }
    if (this.#table.set(key, value, accessClock)) {
      this.#countSlot(key, 1);
      this.#host.onNewKey?.(this, key);
    } else if (!keepTtl && this.#expiresAtMs.size > 0) this.#removeExpire(key);
  }

  /**
   * Sizes the key index for `keyCount` keys ahead of a load (RDB's RESIZEDB). Capped at 4M keys
   * (a 64 MB index): a corrupt header must not make the node allocate for keys the file lacks;
   * past that the index grows as keys arrive.
   */
  reserve(keyCount: number): void {
    this.#table.reserve(Math.min(keyCount, 1 << 22));
  }

  /**
   * Loading (RDB, an AOF's RDB preamble): stores a key with its access clock and expiry in one
   * table write, without the command path's lazy expiry and notifications (Redis's
   * dbAddRDBLoad). Returns false when the key already existed; its value was replaced then.
   */
  loadKey(key: string, value: StoredValue, accessClock: number, expireAtMs: number | undefined): boolean {
    if (this.#table.watch !== undefined) this.#table.watch.beforeAccess(key);
    if (this.#table.size >= KeyTable.MAX_KEYS && !this.#table.has(key)) {
      throw new ReplyError(`OOM this database holds the most keys one Tessera node supports (${KeyTable.MAX_KEYS})`);
    }
    const added = this.#table.set(key, value, accessClock);
    if (added) this.#countSlot(key, 1);
    else if (this.#expiresAtMs.size > 0) this.#removeExpire(key);
    if (expireAtMs !== undefined) this.#expiresAtMs.set(key, expireAtMs);
    return added;
  }

  /**
   * A bulk load (RdbLoad without MERGE): bulkLoadKey appends keys unindexed, endBulkLoad indexes
   * them at once (KeyTable.beginBulk) and returns the keys found twice. Anything else touching
   * the table meanwhile finishes the bulk load first.
   */
  beginBulkLoad(): void {
    this.#table.beginBulk();
  }

  get bulkLoading(): boolean {
    return this.#table.bulkLoading;
  }

  /** loadKey for a key assumed new during a bulk load (no lookup: duplicates come at the end). */
  bulkLoadKey(key: string, value: StoredValue, accessClock: number, expireAtMs: number | undefined): void {
    if (this.#table.size >= KeyTable.MAX_KEYS) {
      throw new ReplyError(`OOM this database holds the most keys one Tessera node supports (${KeyTable.MAX_KEYS})`);
    }
    this.#table.bulkAppend(key, value, accessClock);
    this.#countSlot(key, 1);
    if (expireAtMs !== undefined) this.#expiresAtMs.set(key, expireAtMs);
  }

  /** Ends a bulk load; returns the keys it met twice (the first was kept, as Redis stops there). */
  endBulkLoad(): string[] {
    const duplicates = this.#table.endBulk();
    // Counted twice: counted again from the table on next use.
    if (duplicates.length > 0) this.#slotCounts = this.#slotIndex = undefined;
    return duplicates;
  }

  #countSlot(key: string, delta: number): void {
    // Counted only once someone asked (cluster mode): a standalone node never hashes its keys.
    if (this.#slotCounts === undefined) return;
    const slot = keyHashSlot(key);
    this.#slotCounts[slot] = (this.#slotCounts[slot] as number) + delta;
    if (delta > 0 && this.#slotIndex !== undefined) this.#slotIndex.added(slot, key);
  }

  /** Replaces the value of an existing key, keeping its TTL and access clock. */
  replace(key: string, value: StoredValue): void {
    if (this.#table.watch !== undefined) this.#table.watch.beforeAccess(key);
    if (!this.#table.replaceValue(key, value)) this.set(key, value, true);
  }

  /** Removes a key and its TTL. Returns the value it held. */
  delete(key: string): StoredValue | undefined {
    if (this.#table.watch !== undefined) this.#table.watch.beforeAccess(key);
    const value = this.#table.delete(key);
    if (value === undefined) return undefined;
    this.#countSlot(key, -1);
    if (this.#expiresAtMs.size > 0) this.#removeExpire(key);
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
    if (this.#table.watch !== undefined) this.#table.watch.beforeAccess(key);
    if (this.#hugeExpiresAtMs.size > 0) this.#hugeExpiresAtMs.delete(key);
    if (typeof atMs === 'bigint') {
      if (atMs > BigInt(Number.MAX_SAFE_INTEGER) || atMs < BigInt(Number.MIN_SAFE_INTEGER)) this.#hugeExpiresAtMs.set(key, atMs);
      atMs = Number(atMs);
    }
    this.#expiresAtMs.set(key, atMs);
  }

  /** Removes the TTL; true when there was one. */
  persist(key: string): boolean {
    if (this.#table.watch !== undefined) this.#table.watch.beforeAccess(key);
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
    return this.#table.accessClockOf(key);
  }

  setAccessClock(key: string, accessClock: number): void {
    if (this.#table.watch !== undefined) this.#table.watch.beforeAccess(key);
    this.#table.setAccessClock(key, accessClock);
  }

  /** True when the key has a TTL in the past; removes it then (Redis: now > when). */
  #expireIfNeeded(key: string): boolean {
    const atMs = this.#expiresAtMs.get(key);
    if (atMs === undefined || !(this.#host.nowMs > atMs)) return false;
    this.delete(key);
    this.#host.onExpired(this, key);
    return true;
  }

  /**
   * The current contents, for a snapshot (src/persistence/snapshot). The snapshot installs a
   * TableWatch on the table; flush() and swapContents() move whole objects, never edit them in
   * bulk, so the snapshot keeps walking the contents it started with.
   */
  contents(): DatabaseContents {
    return { table: this.#table, expiresAtMs: this.#expiresAtMs, hugeExpiresAtMs: this.#hugeExpiresAtMs };
  }

  /** True while a snapshot watches this database's current table. */
  get watched(): boolean {
    return this.#table.watch !== undefined;
  }

  /** Installs or removes the snapshot watch on a table this database may no longer hold. */
  static watchContents(contents: DatabaseContents, watch: TableWatch | undefined): void {
    contents.table.watch = watch;
    contents.table.freezeCells(watch !== undefined);
  }

  /** Removes every key; returns how many there were. */
  flush(): number {
    const removed = this.#table.size;
    this.#table = new KeyTable();
    this.#slotCounts = undefined;
    this.#slotIndex = undefined;
    this.#expiresAtMs = new Map();
    this.#hugeExpiresAtMs = new Map();
    this.#expireCursor = undefined;
    this.#sampleCursor = undefined;
    this.#dropScans();
    return removed;
  }

  /** Exchanges contents with another database (SWAPDB). */
  swapContents(other: Database): void {
    [this.#table, other.#table] = [other.#table, this.#table];
    [this.#slotCounts, other.#slotCounts] = [other.#slotCounts, this.#slotCounts];
    // The index's callbacks read its own database's table: rebuilt on next use instead.
    this.#slotIndex = other.#slotIndex = undefined;
    [this.#expiresAtMs, other.#expiresAtMs] = [other.#expiresAtMs, this.#expiresAtMs];
    [this.#hugeExpiresAtMs, other.#hugeExpiresAtMs] = [other.#hugeExpiresAtMs, this.#hugeExpiresAtMs];
    this.#expireCursor = undefined;
    other.#expireCursor = undefined;
    this.#sampleCursor = other.#sampleCursor = undefined;
    this.#dropScans();
    other.#dropScans();
  }

  /** Keys in a slot: the first call counts every key (one walk), later ones read the counts. */
  countKeysInSlot(slot: number): number {
    if (this.#slotCounts === undefined) {
      const counts = new Uint32Array(SLOT_COUNT);
      for (const key of this.#table.keys()) {
        const keySlot = keyHashSlot(key);
        counts[keySlot] = (counts[keySlot] as number) + 1;
      }
      this.#slotCounts = counts;
    }
    return this.#slotCounts[slot] as number;
  }

  /**
   * Up to maxCount keys of a slot, the most recently added first, as Redis's per-slot lists give
   * them (CLUSTER GETKEYSINSLOT). The first call builds the per-slot index (one walk), later ones
   * read it: docs/cluster-routing.md has the measurements behind that choice.
   */
  keysInSlot(slot: number, maxCount: number): string[] {
    if (this.countKeysInSlot(slot) === 0) return [];
    this.#slotIndex ??= new SlotKeyIndex(
      this.#table.keys(),
      (key) => this.#table.has(key),
      (indexSlot) => this.countKeysInSlot(indexSlot),
    );
    return this.#slotIndex.newest(slot, maxCount);
  }

  /** Every key (KEYS, snapshots). Keys may be expired: callers that reply check with peek(). */
  keys(): IterableIterator<string> {
    return this.#table.keys();
  }

  entries(): IterableIterator<[string, StoredValue]> {
    return this.#table.entries();
  }

  /**
   * One SCAN step: offers up to `count` keys and returns the next cursor (0 = done). A cursor
   * names a live walk over the key table (KeyCursor) kept between calls: it visits, in insertion
   * order, the cells that existed when the scan started, so every key present for the whole scan
   * is offered once, and the scan ends however fast keys are added (as Redis's does).
   * Cursor 0 starts a scan. An unknown cursor (one of more than MAX_OPEN_SCANS concurrent scans,
   * or from before a restart) starts over: the guarantee still holds, with repeats.
   */
  scan(cursor: number, count: number, visit: (key: string, value: StoredValue) => void): number {
    let state = cursor === 0 ? undefined : this.#scans.get(cursor);
    if (state !== undefined) this.#scans.delete(cursor);
    if (state === undefined || state.table !== this.#table) state = { table: this.#table, cursor: this.#table.openCursor() };
    const table = state.table;
    let offered = 0;
    while (offered < count) {
      const key = table.nextKey(state.cursor);
      if (key === undefined) return 0;
      const value = table.get(key);
      if (value === undefined) continue;
      visit(key, value);
      offered++;
    }
    if (state.cursor.position >= state.cursor.end) {
      table.closeCursor(state.cursor);
      return 0;
    }
    const nextCursor = this.#nextScanCursor;
    // Cursors stay below 2^53 and are never 0; wrapping reuses ids long since dropped.
    this.#nextScanCursor = nextCursor >= Number.MAX_SAFE_INTEGER ? 1 : nextCursor + 1;
    this.#scans.set(nextCursor, state);
    if (this.#scans.size > MAX_OPEN_SCANS) {
      const [oldest, dropped] = this.#scans.entries().next().value as [number, { table: KeyTable; cursor: KeyCursor }];
      dropped.table.closeCursor(dropped.cursor);
      this.#scans.delete(oldest);
    }
    return nextCursor;
  }

  /** Drops every open SCAN cursor (the table changed under them). */
  #dropScans(): void {
    for (const state of this.#scans.values()) state.table.closeCursor(state.cursor);
    this.#scans.clear();
  }

  /**
   * A random live key, or undefined when empty (RANDOMKEY). Like Redis's dbRandomKey, expired
   * keys met on the way are removed and the search goes on: every attempt either returns or
   * removes a key, so the database size bounds the loop.
   */
  randomKey(random: Random): string | undefined {
    const maxAttempts = this.#table.size + 1;
    for (let attempt = 0; attempt < maxAttempts && this.#table.size > 0; attempt++) {
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
    return this.#table.randomKey(random);
  }

  /**
   * Eviction sampling (src/server/eviction): up to `count` uniformly random stored keys and
   * their access clocks (parallel arrays), expired or not, without removing anything and
   * without touching access clocks. May repeat a key.
   */
  sampleKeys(random: Random, count: number, keys: string[], clocks: number[]): void {
    this.#table.sample(random, count, keys, clocks);
  }

  /** Eviction sampling by position (KeyTable.samplePositions): no key is read. */
  samplePositions(random: Random, count: number, positions: number[], clocks: number[]): void {
    this.#table.samplePositions(random, count, positions, clocks);
  }

  /** Changes when cell positions stop naming the same keys (KeyTable.positionEpoch). */
  get positionEpoch(): number {
    return this.#table.positionEpoch;
  }

  /** The key at a cell position (from samplePositions), undefined for a dead cell. */
  keyAt(position: number): string | undefined {
    return this.#table.keyAt(position);
  }

  /**
   * Eviction sampling of keys with a TTL (volatile-* policies), with their access clocks. The
   * expires Map has no O(1) random access, so: when at least a quarter of the keys have a TTL,
   * random keys of the table are drawn and those without a TTL skipped (bounded attempts);
   * otherwise the next `count` entries of a rotating cursor over the expires Map are taken
   * (every key with a TTL is offered in turn; the eviction pool keeps the best across calls).
   */
  sampleVolatileKeys(random: Random, count: number, keys: string[], clocks: number[]): void {
    const expiring = this.#expiresAtMs.size;
    if (expiring === 0) return;
    const before = keys.length;
    if (expiring * 4 >= this.#table.size) {
      this.#table.sample(random, count * 4, keys, clocks);
      // Keep only keys with a TTL, at most `count` of them (compaction in place).
      let kept = before;
      for (let i = before; i < keys.length && kept - before < count; i++) {
        const key = keys[i] as string;
        if (!this.#expiresAtMs.has(key)) continue;
        keys[kept] = key;
        clocks[kept] = clocks[i] as number;
        kept++;
      }
      keys.length = clocks.length = kept;
      if (kept > before) return;
    }
    for (let taken = 0; taken < count && taken < expiring; taken++) {
      this.#sampleCursor ??= this.#expiresAtMs.keys();
      let next = this.#sampleCursor.next();
      if (next.done) {
        this.#sampleCursor = this.#expiresAtMs.keys();
        next = this.#sampleCursor.next();
        if (next.done) return;
      }
      const clock = this.#table.accessClockOf(next.value);
      if (clock === undefined) continue;
      keys.push(next.value);
      clocks.push(clock);
    }
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
