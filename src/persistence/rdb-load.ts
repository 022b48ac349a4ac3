import { performance } from 'node:perf_hooks';
import type { Database } from '../keyspace/database.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { RdbFileReader, checkRdbChecksum } from './rdb/rdb-file-reader.js';
import { checksumInline, checksumInWorker } from './rdb/parallel-checksum.js';

export interface RdbLoadOptions {
  /** Wall-clock time of the load: keys whose TTL is already past are dropped (as a master does). */
  readonly nowMs: number;
  /** Loading time per event-loop turn (default 5 ms): between slices clients get -LOADING. */
  readonly sliceMs?: number;
  /** Keys in the file replace existing ones (DEBUG RELOAD MERGE) instead of failing the load. */
  readonly merge?: boolean;
  /** key-load-delay: a pause per key loaded (tests make a load slow on purpose). */
  readonly keyDelay?: () => void;
  /** Aux fields as read (Redis logs redis-ver, ctime, used-mem). */
  readonly onAux?: (name: string, value: string) => void;
  /** A function library in the file (Tessera has no FUNCTION yet: the caller decides). */
  readonly onFunction?: (code: string) => void;
}



export interface RdbLoadResult {
  keysLoaded: number;
  keysExpired: number;
}

/** Entries read between two looks at the clock. */
const ITEMS_PER_CLOCK_CHECK = 256;
const DEFAULT_SLICE_MS = 5;
/** Redis's LRU clock: 24 bits of seconds. */
const LRU_CLOCK_MAX = (1 << 24) - 1;

/**
 * Loads one RDB image into the keyspace, either at once (DEBUG RELOAD) or in time slices (start
 * of a node: it answers -LOADING meanwhile). A corrupt or truncated file throws (RdbFormatError,
 * with the offset); the caller refuses to start. The keyspace then holds what was read so far.
 */
export class RdbLoad {
  readonly #keyspace: Keyspace;
  readonly #reader: RdbFileReader;
  readonly #options: RdbLoadOptions;
  readonly bytesTotal: number;
  keysLoaded = 0;
  keysExpired = 0;
  #finished = false;

  readonly #data: Buffer;

  /**
   * `data` backed by a SharedArrayBuffer (parallel-checksum.ts readFileShared) lets run() verify
   * the CRC-64 on a worker thread while this thread parses.
   */
  constructor(keyspace: Keyspace, data: Buffer, options: RdbLoadOptions) {
    this.#keyspace = keyspace;
    this.#data = data;
    this.#reader = new RdbFileReader(data, { deferChecksum: true });
    this.#options = options;
    this.bytesTotal = data.length;
  }

  /** The file's CRC-64, checked once EOF was read: from the worker's result when it covers the same bytes. */
  #verifyChecksum(fromWorker: bigint | undefined): void {
    const deferred = this.#reader.deferredChecksum;
    if (deferred === undefined) return;
    const covered = deferred.coveredBytes;
    const actual = fromWorker !== undefined && covered === this.#data.length - 8 ? fromWorker : checksumInline(this.#data.subarray(0, covered + 8));
    checkRdbChecksum(deferred.expected, actual, covered);
  }

  /** How far the reader got (INFO loading_loaded_bytes). */
  get bytesRead(): number {
    return this.#reader.offset;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** Reads everything now. */
  runToCompletion(): RdbLoadResult {
    while (!this.#step(Infinity));
    this.#verifyChecksum(undefined);
    return { keysLoaded: this.keysLoaded, keysExpired: this.keysExpired };
  }

  /** Reads in slices, one per event-loop turn; rejects on a corrupt file. */
  run(): Promise<RdbLoadResult> {
    const sliceMs = this.#options.sliceMs ?? DEFAULT_SLICE_MS;
    const checksum = checksumInWorker(this.#data);
    return new Promise((resolve, reject) => {
      const finish = (fromWorker: bigint | undefined) => {
        try {
          this.#verifyChecksum(fromWorker);
          resolve({ keysLoaded: this.keysLoaded, keysExpired: this.keysExpired });
        } catch (error) {
          reject(error as Error);
        }
      };
      const turn = () => {
        try {
          if (this.#step(sliceMs)) void checksum.then(finish);
          else setImmediate(turn);
        } catch (error) {
          reject(error as Error);
        }
      };
      turn();
    });
  }

  /** Databases in a bulk load (Database.beginBulkLoad), ended when the load ends or fails. */
  readonly #bulkDatabases: Database[] = [];

  /** Ends the bulk loads; a duplicated key fails the load as in Redis (unless `failed` already). */
  #endBulkLoads(failed: boolean): void {
    const databases = this.#bulkDatabases.splice(0);
    let duplicate: string | undefined;
    for (const db of databases) {
      const duplicates = db.endBulkLoad();
      if (duplicate === undefined && duplicates.length > 0) duplicate = `RDB has duplicated key '${duplicates[0] as string}' in DB ${db.id}`;
    }
    if (!failed && duplicate !== undefined) throw new Error(duplicate);
  }

  /** Reads until the end (true) or out of time (false); a failed read still ends the bulk loads. */
  #step(budgetMs: number): boolean {
    try {
      const done = this.#stepItems(budgetMs);
      if (done) this.#endBulkLoads(false);
      return done;
    } catch (error) {
      this.#endBulkLoads(true);
      throw error;
    }
  }

  #stepItems(budgetMs: number): boolean {
    const startedMs = performance.now();
    const keyspace = this.#keyspace;
    const nowMs = this.#options.nowMs;
    let sinceClockCheck = 0;
    for (;;) {
      const item = this.#reader.next();
      if (item === null || item.kind === 'end') {
        this.#finished = true;
        return true;
      }
      switch (item.kind) {
        case 'aux':
          this.#options.onAux?.(item.name, item.value);
          break;
        case 'selectDb':
          if (item.dbIndex >= keyspace.databases.length) {
            throw new Error(
              `FATAL: Data file was created with a Redis server configured to handle more than ${keyspace.databases.length} databases. Exiting`,
            );
          }
          this.#selectedDb = item.dbIndex;
          break;
        case 'resizeDb':
          // Redis's dictExpand: the index is sized once instead of doubling ~20 times.
          keyspace.db(this.#selectedDb).reserve(item.keyCount);
          break;
        case 'function':
          this.#options.onFunction?.(item.code);
          break;
        case 'entry': {
          if (item.expireAtMs !== undefined && item.expireAtMs < nowMs) {
            this.keysExpired++;
            break;
          }
          const db = keyspace.db(item.dbIndex);
          const accessClock = this.#accessClock(item.lruIdleSeconds, item.lfuFreq);
          if (this.#options.merge !== true) {
            // Duplicates (a corrupt file) are found when the bulk load ends: Redis stops on them.
            if (!db.bulkLoading) {
              db.beginBulkLoad();
              this.#bulkDatabases.push(db);
            }
            db.bulkLoadKey(item.key, item.value, accessClock, item.expireAtMs);
          } else {
            // DEBUG RELOAD MERGE: keys in the file replace existing ones.
            db.loadKey(item.key, item.value, accessClock, item.expireAtMs);
          }
          this.keysLoaded++;
          if (this.#options.keyDelay !== undefined) {
            this.#options.keyDelay();
            sinceClockCheck = ITEMS_PER_CLOCK_CHECK;
          }
          break;
        }
      }
      if (++sinceClockCheck >= ITEMS_PER_CLOCK_CHECK) {
        sinceClockCheck = 0;
        if (performance.now() - startedMs >= budgetMs) return false;
      }
    }
  }

  /** The database the last SELECTDB named (RESIZEDB follows it). */
  #selectedDb = 0;

  /** The access stamp from the file's idle time or LFU counter, like Redis's objectSetLRUOrLFU. */
  #accessClock(idleSeconds: number | undefined, lfuFreq: number | undefined): number {
    const keyspace = this.#keyspace;
    if (keyspace.accessMode === 'lfu' && lfuFreq !== undefined) {
      return (Math.floor(keyspace.nowMs / 60000) & 0xffff) * 256 + lfuFreq;
    }
    if (keyspace.accessMode === 'lru' && idleSeconds !== undefined) {
      const nowSeconds = Math.floor(keyspace.nowMs / 1000) & LRU_CLOCK_MAX;
      return (nowSeconds - Math.min(idleSeconds, LRU_CLOCK_MAX) + LRU_CLOCK_MAX + 1) & LRU_CLOCK_MAX;
    }
    return keyspace.accessClock(undefined);
  }
}
