import { performance } from 'node:perf_hooks';
import { Database, type DatabaseContents } from '../../keyspace/database.js';
import type { Keyspace } from '../../keyspace/keyspace.js';
import type { KeyTable } from '../../keyspace/key-table.js';
import type { StoredValue } from '../../keyspace/stored-value.js';

/**
 * What a snapshot writes keys into: the RDB writer (src/persistence/rdb/rdb-file-writer.ts) fits,
 * and so would an AOF command encoder. Calls come in a valid order: selectDb before the entries
 * of a database; a database may be selected again later (a key saved early, out of walk order).
 */
export interface SnapshotEncoder {
  selectDb(dbIndex: number, keyCount: number, expiresCount: number): void;
  /** `accessClock` is the key's raw access stamp (LRU seconds or LFU word: src/keyspace/keyspace.ts). */
  entry(key: string, value: StoredValue, expireAtMs: number | undefined, accessClock: number): void;
  /** The bytes encoded since the last call. */
  takeChunks(): Buffer[];
  /**
   * Bytes encoded and not taken yet. When given, the snapshot hands bytes to the sink once
   * FLUSH_BYTES have gathered (few large writes, few buffers for the GC); otherwise after every slice.
   */
  bufferedBytes?(): number;
}

export interface SnapshotOptions {
  encoder: SnapshotEncoder;
  /** Receives the encoded bytes in order, after every slice (and at the end). */
  sink: (chunk: Buffer) => void;
  /** Walk time per event-loop turn (default 2 ms): the longest a client waits for the walk. */
  sliceMs?: number;
  /** rdb-key-save-delay: a pause per key walked (tests make a save slow on purpose). */
  keyDelay?: () => void;
}

/** Outcome of a snapshot: how many keys went into the image. */
export interface SnapshotResult {
  keysSaved: number;
}

/** Keys walked between two looks at the clock (performance.now() is not free). */
const KEYS_PER_CLOCK_CHECK = 64;
/** Encoded bytes gathered before they go to the sink (when the encoder reports its buffer). */
const FLUSH_BYTES = 1 << 20;
const DEFAULT_SLICE_MS = 2;

/** One database of the image: the contents it held at the start, and how far the walk got. */
interface ImagePart {
  readonly dbIndex: number;
  readonly contents: DatabaseContents;
  readonly keyCount: number;
  readonly expiresCount: number;
  /** Cell positions from `cursor` to `endPosition` - 1 are still to walk. */
  cursor: number;
  readonly endPosition: number;
  /** Positions already saved early (before the walk reached them): the walk skips them. */
  readonly savedEarly: Uint8Array;
  readonly handler: (key: string) => void;
}

/** The snapshots running on each keyspace (several nodes may share a process in tests). */
const running = new WeakMap<Keyspace, Set<Snapshot>>();

/**
 * True while a snapshot runs on this keyspace. Snapshots may overlap (SAVE during an AOF
 * rewrite, a replica's full sync during BGSAVE); callers decide what they allow.
 */
export function snapshotRunning(keyspace: Keyspace): boolean {
  return (running.get(keyspace)?.size ?? 0) > 0;
}

/**
 * The snapshots watching each table. A table has one TableWatch (src/keyspace/key-table.ts):
 * a dispatcher calling every running snapshot's handler, installed with the first and removed
 * with the last (the table stays frozen in between).
 */
const watchers = new WeakMap<KeyTable, Set<(key: string) => void>>();

function addWatch(contents: DatabaseContents, handler: (key: string) => void): void {
  let handlers = watchers.get(contents.table);
  if (handlers === undefined) {
    const all = new Set<(key: string) => void>();
    handlers = all;
    watchers.set(contents.table, all);
    Database.watchContents(contents, {
      beforeAccess: (key) => {
        for (const handle of all) handle(key);
      },
    });
  }
  handlers.add(handler);
}

function removeWatch(contents: DatabaseContents, handler: (key: string) => void): void {
  const handlers = watchers.get(contents.table);
  if (handlers === undefined || !handlers.delete(handler) || handlers.size > 0) return;
  watchers.delete(contents.table);
  Database.watchContents(contents, undefined);
}

/**
 * Starts a point-in-time snapshot of every database, walked in slices of `sliceMs` per
 * event-loop turn while the node serves (docs/snapshots.md). Throws when one already runs.
 */
export function startSnapshot(keyspace: Keyspace, options: SnapshotOptions): Snapshot {
  const snapshot = new Snapshot(keyspace, options);
  snapshot.schedule();
  return snapshot;
}

/**
 * A snapshot without fork. At the start each database's table is frozen (cells keep their
 * positions, new keys land past the end) and watched: before any access to a key the walk has
 * not reached, the key is encoded as it is then, i.e. as it was at the start. The walk goes
 * through cell positions and skips the keys saved early. See docs/snapshots.md.
 */
export class Snapshot {
  readonly #keyspace: Keyspace;
  readonly #parts: ImagePart[] = [];
  readonly #encoder: SnapshotEncoder;
  readonly #sink: (chunk: Buffer) => void;
  readonly #sliceMs: number;
  readonly #keyDelay: (() => void) | undefined;
  /** The database the encoder is in (undefined before the first selectDb). */
  #encoderDb: number | undefined;
  #partIndex = 0;
  #timer: NodeJS.Timeout | undefined;
  #finished = false;
  #resolve!: (result: SnapshotResult) => void;
  #reject!: (error: Error) => void;
  /** Settles when the image is complete (or aborted / failed). */
  readonly done: Promise<SnapshotResult>;
  /** Keys encoded so far, by the walk or early (INFO current_save_keys_processed). */
  keysProcessed = 0;
  /** Keys in the image (INFO current_save_keys_total). */
  readonly keysTotal: number;

  constructor(keyspace: Keyspace, options: SnapshotOptions) {
    this.#keyspace = keyspace;
    this.#encoder = options.encoder;
    this.#sink = options.sink;
    this.#sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
    this.#keyDelay = options.keyDelay;
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Nobody waits on an aborted snapshot's promise necessarily: do not crash on it.
    this.done.catch(() => undefined);
    let total = 0;
    for (const db of keyspace.databases) {
      if (db.size === 0) continue;
      const contents = db.contents();
      const endPosition = contents.table.cellCount;
      const part: ImagePart = {
        dbIndex: db.id,
        contents,
        keyCount: contents.table.size,
        expiresCount: contents.expiresAtMs.size,
        cursor: 0,
        endPosition,
        savedEarly: new Uint8Array(endPosition),
        handler: (key) => this.#saveEarly(part, key),
      };
      total += part.keyCount;
      addWatch(contents, part.handler);
      this.#parts.push(part);
    }
    this.keysTotal = total;
    let set = running.get(keyspace);
    if (set === undefined) running.set(keyspace, (set = new Set()));
    set.add(this);
  }

  /**
   * Runs the next slice on a later event-loop turn, through a timer rather than setImmediate:
   * between slices the node then waits in epoll, so a client's request wakes it at once, as it
   * does an idle node (with setImmediate the node never sleeps, and on a busy machine each
   * round trip waited for its next CPU time slice: measured 3x fewer writes, 2x the p99).
   */
  schedule(): void {
    if (this.#finished) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#step(this.#sliceMs);
    });
  }

  /**
   * Walks everything now, without yielding (SAVE, DEBUG RELOAD, shutdown); throws what made the
   * snapshot fail. `done` settles too.
   */
  runToCompletion(): SnapshotResult {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#finished) this.#step(Infinity);
    if (this.failure !== undefined) throw this.failure;
    return { keysSaved: this.keysProcessed };
  }

  /** Why the snapshot stopped early (abort or an encoder / sink error), once it has. */
  failure: Error | undefined;

  /** Stops the walk and unwatches the tables; `done` rejects with `reason`. */
  abort(reason = new Error('snapshot aborted')): void {
    if (this.#finished) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.failure = reason;
    this.#finish();
    this.#reject(reason);
  }

  get finished(): boolean {
    return this.#finished;
  }

  #step(budgetMs: number): void {
    const startedMs = performance.now();
    try {
      while (this.#partIndex < this.#parts.length) {
        const part = this.#parts[this.#partIndex] as ImagePart;
        if (!this.#walk(part, startedMs, budgetMs)) {
          if (this.#encoder.bufferedBytes === undefined) this.#flush();
          this.schedule();
          return;
        }
        this.#partIndex++;
      }
      this.#flush();
    } catch (error) {
      this.abort(error as Error);
      return;
    }
    this.#finish();
    this.#resolve({ keysSaved: this.keysProcessed });
  }

  /** Walks one part until done (true) or out of time (false). */
  #walk(part: ImagePart, startedMs: number, budgetMs: number): boolean {
    const table = part.contents.table;
    let sinceClockCheck = 0;
    while (part.cursor < part.endPosition) {
      const position = part.cursor++;
      if (part.savedEarly[position] === 1) continue;
      const key = table.keyAt(position);
      // A free cell: freed before the start (any key deleted since was saved early).
      if (key === undefined) continue;
      this.#encode(part, key, table.valueAt(position), table.accessClockAt(position));
      if (this.#keyDelay !== undefined) {
        this.#keyDelay();
        sinceClockCheck = KEYS_PER_CLOCK_CHECK;
      }
      if (++sinceClockCheck >= KEYS_PER_CLOCK_CHECK) {
        sinceClockCheck = 0;
        const buffered = this.#encoder.bufferedBytes?.();
        if (buffered !== undefined && buffered >= FLUSH_BYTES) this.#flush();
        if (performance.now() - startedMs >= budgetMs) return part.cursor >= part.endPosition;
      }
    }
    return true;
  }

  /** The watch: a key of this part is about to be used; encode it first if the walk has not. */
  #saveEarly(part: ImagePart, key: string): void {
    const table = part.contents.table;
    const position = table.positionOf(key);
    // Absent (being created: not in the image), already walked, past the end (created after
    // the start), or saved early already: nothing to do.
    if (position === undefined || position < part.cursor || position >= part.endPosition) return;
    if (part.savedEarly[position] === 1) return;
    part.savedEarly[position] = 1;
    try {
      this.#encode(part, key, table.valueAt(position), table.accessClockAt(position));
    } catch (error) {
      // Never fail the client's command for the snapshot's sake: the snapshot fails instead.
      this.abort(error as Error);
    }
  }

  #encode(part: ImagePart, key: string, value: StoredValue, accessClock: number): void {
    if (this.#encoderDb !== part.dbIndex) {
      this.#encoderDb = part.dbIndex;
      this.#encoder.selectDb(part.dbIndex, part.keyCount, part.expiresCount);
    }
    this.#encoder.entry(key, value, part.contents.expiresAtMs.get(key), accessClock);
    this.keysProcessed++;
  }

  #flush(): void {
    for (const chunk of this.#encoder.takeChunks()) this.#sink(chunk);
  }

  #finish(): void {
    this.#finished = true;
    // The tables may have moved (SWAPDB) or been dropped (FLUSHDB); the watches are ours either way.
    for (const part of this.#parts) removeWatch(part.contents, part.handler);
    running.get(this.#keyspace)?.delete(this);
  }
}
