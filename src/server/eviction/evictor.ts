import { performance } from 'node:perf_hooks';
import { EXPIRE_ENTRY_BYTES, PER_KEY_OVERHEAD_BYTES, stringBytes, valueBytes } from '../../commands/server/value-size.js';
import type { Database } from '../../keyspace/database.js';
import type { Keyspace } from '../../keyspace/keyspace.js';
import type { StoredValue } from '../../keyspace/stored-value.js';
import type { Random } from '../../lib/random.js';
import { EvictionPool } from './eviction-pool.js';
import { hashKey } from '../../keyspace/key-hash.js';
import { evictionTimeLimitUs, parsePolicy, type EvictionPolicy } from './policy.js';
import { readRetainedBytes, readTotalBytes, UsedMemoryGauge, type GaugeSources } from './used-memory.js';

/** Redis's performEvictions results: under the limit, still working (tick goes on), or stuck. */
export type EvictionResult = 'ok' | 'running' | 'fail';

/** Keys evicted between two looks at the clock (performance.now() is not free). */
const KEYS_PER_TIME_CHECK = 16;
/** LFU scores: Redis's 255 - counter, so the least frequently used key scores highest. */
const LFU_MAX = 255;
/** Keys whose MEMORY USAGE estimate the gauge averages per refresh. */
const KEY_ESTIMATE_SAMPLES = 16;

/** MEMORY USAGE's estimate of one key (docs/memory-accounting.md). */
export function keyBytes(db: Database, key: string): number | undefined {
  return estimateKeyBytes(db, key, db.peek(key));
}

function estimateKeyBytes(db: Database, key: string, value: StoredValue | undefined): number | undefined {
  if (value === undefined) return undefined;
  return PER_KEY_OVERHEAD_BYTES + stringBytes(key.length) + valueBytes(value) + (db.expireAtMs(key) === undefined ? 0 : EXPIRE_ENTRY_BYTES);
}

/** The gauge's sources for a keyspace: V8's heap figures, the key count, sampled key sizes. */
export function keyspaceGaugeSources(keyspace: Keyspace, random: Random): GaugeSources {
  const keys: string[] = [];
  const clocks: number[] = [];
  return {
    readTotal: readTotalBytes,
    readRetained: readRetainedBytes,
    keyCount: () => keyspace.totalKeys(),
    sampleKeyBytes: () => {
      let total = 0;
      let counted = 0;
      for (const db of keyspace.databases) {
        if (db.size === 0) continue;
        keys.length = clocks.length = 0;
        db.sampleKeys(random, KEY_ESTIMATE_SAMPLES, keys, clocks);
        for (const key of keys) {
          // Sampling must not expire keys (DEBUG SET-ACTIVE-EXPIRE 0 means none go) nor touch them.
          const bytes = estimateKeyBytes(db, key, db.storedValueForEstimate(key));
          if (bytes === undefined) continue;
          total += bytes;
          counted++;
        }
        if (counted >= KEY_ESTIMATE_SAMPLES) break;
      }
      return counted === 0 ? undefined : total / counted;
    },
  };
}

export interface EvictorOptions {
  keyspace: Keyspace;
  random: Random;
  gauge?: UsedMemoryGauge;
  /** A key was evicted (WATCH invalidation, propagation as DEL). */
  onEvicted?: (db: Database, key: string) => void;
  /** performance.now(), replaceable in tests. */
  clockMs?: () => number;
}

/**
 * maxmemory enforcement, like Redis 7.0's evict.c: before commands (dispatch calls
 * performEvictions), while the estimated used memory is above maxmemory, keys are chosen by the
 * policy from samples (an eviction pool of 16 for LRU / LFU / TTL) and deleted. docs/eviction.md.
 */
export class Evictor {
  maxmemoryBytes = 0;
  policy: EvictionPolicy = parsePolicy('noeviction');
  samples = 5;
  timeLimitUs = evictionTimeLimitUs(10);
  /** INFO evicted_keys. */
  evictedKeys = 0;
  /** A command's time limit ran out with memory still above the limit: the tick continues. */
  pending = false;
  readonly gauge: UsedMemoryGauge;
  readonly #keyspace: Keyspace;
  readonly #random: Random;
  readonly #onEvicted: ((db: Database, key: string) => void) | undefined;
  readonly #clockMs: () => number;
  readonly #pool = new EvictionPool();
  readonly #sampled: string[] = [];
  readonly #sampledClocks: number[] = [];
  readonly #sampledPositions: number[] = [];
  /** Where random eviction looks first (Redis's static next_db): databases take turns. */
  #nextDb = 0;

  constructor(options: EvictorOptions) {
    this.#keyspace = options.keyspace;
    this.#random = options.random;
    this.gauge = options.gauge ?? new UsedMemoryGauge(keyspaceGaugeSources(options.keyspace, options.random));
    this.#onEvicted = options.onEvicted;
    this.#clockMs = options.clockMs ?? (() => performance.now());
  }

  setMaxmemory(bytes: number): void {
    this.maxmemoryBytes = bytes;
  }

  setPolicy(value: string): void {
    this.policy = parsePolicy(value);
    // Scores of another policy mean nothing under this one.
    this.#pool.clear();
  }

  setTenacity(tenacity: number): void {
    this.timeLimitUs = evictionTimeLimitUs(tenacity);
  }

  /**
   * Evicts until the estimated used memory is at most maxmemory, for at most the time limit.
   * `nowMs`: performance.now() of the caller (dispatch has it already).
   */
  performEvictions(nowMs: number = this.#clockMs()): EvictionResult {
    if (this.maxmemoryBytes <= 0) return 'ok';
    if (this.gauge.estimate(nowMs) <= this.maxmemoryBytes) {
      this.pending = false;
      return 'ok';
    }
    if (this.policy.scope === 'none') return 'fail';
    const startedMs = this.#clockMs();
    let evicted = 0;
    while (this.gauge.estimate(nowMs) > this.maxmemoryBytes) {
      const victim = this.#selectVictim();
      if (victim === undefined) {
        this.pending = false;
        return 'fail';
      }
      this.#evict(victim.db, victim.key);
      evicted++;
      if (evicted % KEYS_PER_TIME_CHECK === 0) {
        const nowElapsedMs = this.#clockMs();
        if ((nowElapsedMs - startedMs) * 1000 > this.timeLimitUs) {
          this.pending = true;
          return 'running';
        }
      }
    }
    this.pending = false;
    return 'ok';
  }

  #evict(db: Database, key: string): void {
    // The gauge sees the key count drop: no size bookkeeping here.
    if (db.delete(key) === undefined) return;
    this.evictedKeys++;
    this.#onEvicted?.(db, key);
  }

  #selectVictim(): { db: Database; key: string } | undefined {
    const volatile = this.policy.scope === 'volatile';
    const databases = this.#keyspace.databases;
    if (this.policy.rank === 'random') {
      for (let i = 0; i < databases.length; i++) {
        const db = databases[(this.#nextDb + i) % databases.length] as Database;
        this.#sampled.length = this.#sampledClocks.length = 0;
        if (volatile) db.sampleVolatileKeys(this.#random, 1, this.#sampled, this.#sampledClocks);
        else db.sampleKeys(this.#random, 1, this.#sampled, this.#sampledClocks);
        const key = this.#sampled[0];
        if (key !== undefined) {
          this.#nextDb = (this.#nextDb + i + 1) % databases.length;
          return { db, key };
        }
      }
      return undefined;
    }
    // Like Redis: refill the pool from every database, then take the best still-valid candidate;
    // if every candidate vanished meanwhile, sample again (a few times: keys may all be gone).
    for (let round = 0; round < 4; round++) {
      let anyKeys = false;
      for (const db of databases) {
        if ((volatile ? db.expiresCount : db.size) === 0) continue;
        anyKeys = true;
        this.#populate(db, volatile);
      }
      if (!anyKeys) return undefined;
      // A volatile candidate must still have a TTL. An allkeys candidate is a cell position:
      // its key is read now (the one key string read per eviction), unless the cells moved
      // since it was sampled. It is not looked up: #evict's delete finds it.
      const best = this.#pool.popBest((dbIndex, key, position, epoch) => {
        const db = databases[dbIndex];
        if (db === undefined) return undefined;
        if (key === null) {
          const current = db.positionEpoch === epoch ? db.keyAt(position) : undefined;
          return current === undefined ? undefined : { db, key: current };
        }
        return !volatile || db.expireAtMs(key) !== undefined ? { db, key } : undefined;
      });
      if (best !== undefined) return best;
    }
    return undefined;
  }

  #populate(db: Database, volatile: boolean): void {
    const sampled = this.#sampled;
    const clocks = this.#sampledClocks;
    const positions = this.#sampledPositions;
    sampled.length = clocks.length = positions.length = 0;
    if (!volatile) {
      // allkeys (LRU, LFU): positions and access clocks from the table's clock array only; no
      // cell or key string is read (each was a cache miss per sample in a large table: the
      // sampling and pool were ~17% of the CPU under allkeys-lru). The pool knows a candidate
      // by its position (valid while the table's position epoch holds).
      db.samplePositions(this.#random, this.samples, positions, clocks);
      const epoch = db.positionEpoch;
      for (let i = 0; i < positions.length; i++) {
        this.#pool.insert(this.#clockScore(clocks[i] as number), db.id, null, positions[i] as number, epoch);
      }
      return;
    }
    db.sampleVolatileKeys(this.#random, this.samples, sampled, clocks);
    for (let i = 0; i < sampled.length; i++) {
      const key = sampled[i] as string;
      const score = this.policy.rank === 'ttl' ? ttlScore(db, key) : this.#clockScore(clocks[i] as number);
      if (score === undefined) continue;
      // Volatile sampling has no positions: a hash of the key identifies it in the pool.
      this.#pool.insert(score, db.id, key, hashKey(key, 0));
    }
  }

  /** The LRU (idle seconds) or LFU (255 - counter) score of an access clock: higher goes first. */
  #clockScore(accessClock: number): number {
    return this.policy.rank === 'lfu' ? LFU_MAX - this.#keyspace.lfuCounter(accessClock) : this.#keyspace.idleSeconds(accessClock);
  }
}

/** volatile-ttl's score: the sooner the expiry, the higher. Undefined when the TTL is gone. */
function ttlScore(db: Database, key: string): number | undefined {
  const atMs = db.expireAtMs(key);
  return atMs === undefined ? undefined : -atMs;
}
