import { readFileSync } from 'node:fs';
import { readFileShared } from './rdb/parallel-checksum.js';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Keyspace } from '../keyspace/keyspace.js';
import { standardAuxFields } from './rdb/rdb-file-writer.js';
import { RdbLoad, type RdbLoadResult } from './rdb-load.js';
import { saveRdbSync, startRdbBackgroundSave, type RdbBackgroundSave, type RdbSaveSettings } from './rdb-save.js';
import { parseSavePoints, savePointDue, type SavePoint } from './save-points.js';
import { snapshotRunning } from './snapshot/snapshot.js';
import { keyDelay } from './key-delay.js';

/** What RDB persistence needs from the node (src/server/server.ts provides it). */
export interface RdbPersistenceHost {
  readonly keyspace: Keyspace;
  /** A directive's current value (dir, dbfilename, rdbcompression, save...). */
  configValue(name: string): string;
  /** Changes since the last save (INFO rdb_changes_since_last_save); a save subtracts what it covered. */
  dirty: number;
  nowMs(): number;
  usedMemoryBytes(): number;
  log(level: 'verbose' | 'notice' | 'warning', message: string): void;
  /** The Redis version written into the file's header. */
  readonly redisVersion: string;
  /** The node's function libraries: saved in the file, loaded from it. */
  readonly functions?: FunctionLibraryStore;
}

/** What persistence needs of the function registry (src/scripting/function-registry.ts). */
export interface FunctionLibraryStore {
  libraryCodes(): string[];
  /** Creates a library from its code; throws with Redis's error text when the code is refused. */
  loadLibrary(code: string, options: { replace?: boolean }): string;
}

/** Loads one library read from an RDB file; a refused library makes the load fail, as in Redis. */
export function loadFunctionFromRdb(functions: FunctionLibraryStore | undefined, code: string): void {
  if (functions === undefined) return;
  try {
    // A reload replaces what the node holds (Redis empties functions with the data first).
    functions.loadLibrary(code, { replace: true });
  } catch (error) {
    throw new Error(`Failed loading library from the RDB: ${(error as Error).message}`);
  }
}

/** Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE, save points wait this long. */
const BGSAVE_RETRY_DELAY_MS = 5000;

export type BgsaveReply = 'started' | 'scheduled';

/** The figures INFO persistence prints (src/server/info). */
export interface RdbPersistenceInfo {
  loading: boolean;
  loadingStartUnixSeconds: number;
  loadingTotalBytes: number;
  loadingLoadedBytes: number;
  bgsaveInProgress: boolean;
  currentSaveKeysProcessed: number;
  currentSaveKeysTotal: number;
  lastSaveUnixSeconds: number;
  lastBgsaveOk: boolean;
  lastBgsaveTimeSec: number;
  currentBgsaveTimeSec: number;
  rdbSaves: number;
  lastLoadKeysExpired: number;
  lastLoadKeysLoaded: number;
}

/**
 * The RDB file's lifecycle on a node: SAVE, BGSAVE (fork-less snapshot, src/persistence/snapshot),
 * save points checked from the tick, loading at start (time-sliced, with -LOADING meanwhile),
 * DEBUG RELOAD and the final save at shutdown. State and INFO figures as Redis 7.0 keeps them.
 */
export class RdbPersistence {
  readonly #host: RdbPersistenceHost;
  #savePoints: SavePoint[] = [];
  #lastSaveMs: number;
  #lastBgsaveTryMs = 0;
  #lastBgsaveOk = true;
  #lastBgsaveTimeSec = -1;
  #bgsaveStartedMs = 0;
  #rdbSaves = 0;
  #bgsaveScheduled = false;
  #background: RdbBackgroundSave | undefined;
  #dirtyAtBgsaveStart = 0;
  #load: RdbLoad | undefined;
  #loadStartedMs = 0;
  #lastLoadKeysExpired = 0;
  #lastLoadKeysLoaded = 0;
  /**
   * Walk time per slice of a background save (slices are paced by a timer, clients are served
   * between them): a pipelining client gets about one round trip per slice.
   */
  sliceMs = 1;

  constructor(host: RdbPersistenceHost) {
    this.#host = host;
    this.#lastSaveMs = host.nowMs();
    this.applySavePoints(host.configValue('save'));
  }

  /** The `save` directive changed (CONFIG SET save). */
  applySavePoints(value: string): void {
    this.#savePoints = parseSavePoints(value);
  }

  get hasSavePoints(): boolean {
    return this.#savePoints.length > 0;
  }

  get loading(): boolean {
    return this.#load !== undefined;
  }

  get bgsaveInProgress(): boolean {
    return this.#background !== undefined;
  }

  /** stop-writes-on-bgsave-error: writes are refused while the last BGSAVE failed (with save points). */
  get writesRefused(): boolean {
    return !this.#lastBgsaveOk && this.#savePoints.length > 0 && this.#host.configValue('stop-writes-on-bgsave-error') === 'yes';
  }

  lastSaveUnixSeconds(): number {
    return Math.floor(this.#lastSaveMs / 1000);
  }

  get path(): string {
    return join(this.#host.configValue('dir'), this.#host.configValue('dbfilename'));
  }

  #settings(): RdbSaveSettings {
    const dir = this.#host.configValue('dir');
    const policy = this.#host.configValue('maxmemory-policy');
    return {
      targetPath: join(dir, this.#host.configValue('dbfilename')),
      tempPath: join(dir, `temp-${process.pid}.rdb`),
      compress: this.#host.configValue('rdbcompression') === 'yes',
      checksum: this.#host.configValue('rdbchecksum') === 'yes',
      accessData: policy.endsWith('-lru') ? 'lru' : policy.endsWith('-lfu') ? 'lfu' : 'none',
      listMaxListpackSize: Number(this.#host.configValue('list-max-listpack-size')),
      listCompressDepth: Number(this.#host.configValue('list-compress-depth')),
      functionLibraries: this.#host.functions?.libraryCodes() ?? [],
      aux: standardAuxFields({ redisVersion: this.#host.redisVersion, nowMs: this.#host.nowMs(), usedMemoryBytes: this.#host.usedMemoryBytes(), aofBase: false }),
      sliceMs: this.sliceMs,
      keyDelay: this.#keyDelay('rdb-key-save-delay'),
    };
  }

  #keyDelay(directive: string): (() => void) | undefined {
    const us = Number(this.#host.configValue(directive));
    return us === 0 ? undefined : () => keyDelay(us);
  }

  /** SAVE (and the final save of SHUTDOWN): true when the file was written. Logs like Redis. */
  saveNow(): boolean {
    try {
      const startedMs = this.#host.nowMs();
      saveRdbSync(this.#host.keyspace, this.#settings());
      this.#host.log('notice', 'DB saved on disk');
      this.#host.dirty = 0;
      this.#lastSaveMs = this.#host.nowMs();
      this.#lastBgsaveOk = true;
      this.#rdbSaves++;
      this.#host.log('verbose', `SAVE took ${this.#host.nowMs() - startedMs} ms`);
      return true;
    } catch (error) {
      this.#host.log('warning', `Failed saving the DB: ${describeError(error)}`);
      return false;
    }
  }

  /**
   * BGSAVE: 'started', or 'scheduled' when asked to wait for another snapshot (SCHEDULE, or
   * inside MULTI as Redis does). Throws an Error with Redis's text when refused.
   */
  bgsave(schedule: boolean, inTransaction: boolean): BgsaveReply {
    if (this.#background !== undefined) throw new Error('Background save already in progress');
    if (snapshotRunning(this.#host.keyspace) || inTransaction) {
      if (schedule || inTransaction) {
        this.#bgsaveScheduled = true;
        return 'scheduled';
      }
      throw new Error(
        "Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
      );
    }
    if (!this.#startBackgroundSave()) throw new Error('');
    return 'started';
  }

  #startBackgroundSave(): boolean {
    const nowMs = this.#host.nowMs();
    this.#lastBgsaveTryMs = nowMs;
    let background: RdbBackgroundSave;
    try {
      background = startRdbBackgroundSave(this.#host.keyspace, this.#settings());
    } catch (error) {
      // Redis forks first and its child fails to open the file: the BGSAVE "started", then failed.
      this.#rdbSaves++;
      this.#host.log('notice', 'Background saving started (time-sliced snapshot, no fork)');
      this.#host.log('warning', `Failed opening the temp RDB file (in server root dir ${this.#host.configValue('dir')}) for saving: ${describeError(error)}`);
      this.#host.log('warning', 'Background saving error');
      this.#lastBgsaveOk = false;
      this.#lastBgsaveTimeSec = 0;
      return true;
    }
    this.#background = background;
    // Redis counts a BGSAVE when it starts (rdb_saves shows 1 while the first one runs).
    this.#rdbSaves++;
    this.#bgsaveStartedMs = nowMs;
    this.#dirtyAtBgsaveStart = this.#host.dirty;
    this.#host.log('notice', 'Background saving started (time-sliced snapshot, no fork)');
    background.done.then(
      () => {
        this.#host.log('notice', 'DB saved on disk');
        this.#host.log('notice', 'Background saving terminated with success');
        this.#host.dirty = Math.max(0, this.#host.dirty - this.#dirtyAtBgsaveStart);
        this.#lastSaveMs = this.#host.nowMs();
        this.#lastBgsaveOk = true;
        this.#endBackgroundSave();
      },
      (error: unknown) => {
        if (this.#abortedOnPurpose === background) {
          this.#host.log('warning', 'Background saving terminated by signal 10');
        } else {
          this.#host.log('warning', `Background saving error: ${describeError(error)}`);
          this.#lastBgsaveOk = false;
        }
        this.#endBackgroundSave();
      },
    );
    return true;
  }

  #endBackgroundSave(): void {
    // Redis: time(NULL) - rdb_save_time_start, in whole unix seconds.
    this.#lastBgsaveTimeSec = Math.floor(this.#host.nowMs() / 1000) - Math.floor(this.#bgsaveStartedMs / 1000);
    this.#background = undefined;
    this.#onIdle?.();
  }

  #onIdle: (() => void) | undefined;

  /** Resolves when no background save runs (tests, shutdown). */
  whenIdle(): Promise<void> {
    if (this.#background === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.#onIdle;
      this.#onIdle = () => {
        this.#onIdle = previous;
        previous?.();
        resolve();
      };
    });
  }

  /** FLUSHALL: stop a BGSAVE of the old data; with save points, save the empty dataset now. */
  flushedAll(): boolean {
    this.#abortBackgroundSave();
    if (this.#savePoints.length === 0) return false;
    this.saveNow();
    return true;
  }

  /** Stops a running background save and removes its temp file (SHUTDOWN, FLUSHALL). */
  killBackgroundSave(): void {
    if (this.#background === undefined) return;
    this.#host.log('warning', 'There is a child saving an .rdb. Killing it!');
    this.#abortBackgroundSave();
  }

  /** Like Redis killing its child with SIGUSR1: the save ends, and the last status is untouched. */
  #abortBackgroundSave(): void {
    const background = this.#background;
    if (background === undefined) return;
    this.#abortedOnPurpose = background;
    background.abort();
  }

  #abortedOnPurpose: RdbBackgroundSave | undefined;

  /** From the server tick: save points and a scheduled BGSAVE (Redis's serverCron). */
  tick(nowMs: number): void {
    if (this.#background !== undefined || this.#load !== undefined || snapshotRunning(this.#host.keyspace)) return;
    const mayRetry = nowMs - this.#lastBgsaveTryMs > BGSAVE_RETRY_DELAY_MS || this.#lastBgsaveOk;
    if (!mayRetry) return;
    const point = savePointDue(this.#savePoints, this.#host.dirty, Math.floor(nowMs / 1000) - this.lastSaveUnixSeconds());
    if (point !== undefined) {
      this.#host.log('notice', `${point.changes} changes in ${point.seconds} seconds. Saving...`);
      this.#startBackgroundSave();
      return;
    }
    if (this.#bgsaveScheduled && this.#startBackgroundSave()) this.#bgsaveScheduled = false;
  }

  /**
   * Loads dir/dbfilename at start, in slices (the node answers -LOADING meanwhile). Resolves
   * false when there is no file; rejects with a message for a file that cannot be loaded.
   */
  async loadAtStart(): Promise<boolean> {
    let data: Buffer;
    try {
      // Shared memory: a worker thread verifies the checksum while this thread loads.
      data = readFileShared(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new Error(`Fatal error loading the DB: ${describeError(error)}. Exiting.`);
    }
    const startedMs = performance.now();
    const load = this.#beginLoad(data);
    try {
      const result = await load.run();
      this.#endLoad(result);
      this.#host.log('notice', `DB loaded from disk: ${((performance.now() - startedMs) / 1000).toFixed(3)} seconds`);
      return true;
    } catch (error) {
      this.#load = undefined;
      throw new Error(`${describeError(error)} (loading ${this.path}). Exiting.`);
    }
  }

  /**
   * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save (unless noSave), empty the keyspace (unless
   * noFlush), load the file at once (merge: keys in the file replace existing ones). Throws an
   * Error with Redis's reply text without its "ERR " (empty: a bare -ERR).
   */
  debugReload(options: { noSave: boolean; noFlush: boolean; merge?: boolean }): void {
    if (!options.noSave && !this.saveNow()) throw new Error('');
    let data: Buffer;
    try {
      data = readFileSync(this.path);
    } catch (error) {
      this.#host.log('warning', `Fatal error loading the DB: ${describeError(error)}.`);
      throw new Error('Error trying to load the RDB dump, check server logs.');
    }
    if (!options.noFlush) {
      this.killBackgroundSave();
      this.#host.keyspace.flushAll();
    }
    const load = this.#beginLoad(data, options.merge === true);
    try {
      this.#endLoad(load.runToCompletion());
    } catch (error) {
      this.#load = undefined;
      this.#host.log('warning', `${describeError(error)} (loading ${this.path})`);
      throw new Error('Error trying to load the RDB dump, check server logs.');
    }
    this.#host.log('warning', 'DB reloaded by DEBUG RELOAD');
  }

  #beginLoad(data: Buffer, merge = false): RdbLoad {
    this.#loadStartedMs = this.#host.nowMs();
    const load = new RdbLoad(this.#host.keyspace, data, {
      nowMs: this.#host.nowMs(),
      merge,
      keyDelay: this.#keyDelay('key-load-delay'),
      onAux: (name, value) => {
        if (name === 'redis-ver') this.#host.log('notice', `Loading RDB produced by version ${value}`);
        else if (name === 'ctime') this.#host.log('notice', `RDB age ${Math.floor(this.#host.nowMs() / 1000) - Number(value)} seconds`);
        else if (name === 'used-mem') this.#host.log('notice', `RDB memory usage when created ${(Number(value) / (1024 * 1024)).toFixed(2)} Mb`);
      },
      onFunction: (code) => loadFunctionFromRdb(this.#host.functions, code),
    });
    this.#load = load;
    return load;
  }

  #endLoad(result: RdbLoadResult): void {
    this.#load = undefined;
    this.#lastLoadKeysLoaded = result.keysLoaded;
    this.#lastLoadKeysExpired = result.keysExpired;
    this.#host.log('notice', `Done loading RDB, keys loaded: ${result.keysLoaded}, keys expired: ${result.keysExpired}.`);
  }

  info(): RdbPersistenceInfo {
    const nowMs = this.#host.nowMs();
    const background = this.#background;
    const load = this.#load;
    return {
      loading: load !== undefined,
      loadingStartUnixSeconds: Math.floor(this.#loadStartedMs / 1000),
      loadingTotalBytes: load?.bytesTotal ?? 0,
      loadingLoadedBytes: load?.bytesRead ?? 0,
      bgsaveInProgress: background !== undefined,
      currentSaveKeysProcessed: background?.snapshot.keysProcessed ?? 0,
      currentSaveKeysTotal: background?.snapshot.keysTotal ?? 0,
      lastSaveUnixSeconds: this.lastSaveUnixSeconds(),
      lastBgsaveOk: this.#lastBgsaveOk,
      lastBgsaveTimeSec: this.#lastBgsaveTimeSec,
      currentBgsaveTimeSec: background === undefined ? -1 : Math.floor(nowMs / 1000) - Math.floor(this.#bgsaveStartedMs / 1000),
      rdbSaves: this.#rdbSaves,
      lastLoadKeysExpired: this.#lastLoadKeysExpired,
      lastLoadKeysLoaded: this.#lastLoadKeysLoaded,
    };
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
