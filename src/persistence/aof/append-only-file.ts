import { closeSync, existsSync, fdatasyncSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlink, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Keyspace } from '../../keyspace/keyspace.js';
import { snapshotRunning, startSnapshot, type Snapshot, type SnapshotEncoder } from '../snapshot/snapshot.js';
import { keyDelay } from '../key-delay.js';
import { loadAppendOnlyFiles } from './aof-loader.js';
import type { AofLog } from './aof-log.js';
import { AofSnapshotEncoder } from './aof-snapshot-encoder.js';
import { nodeAofFileOps, type AofFileOps } from './aof-file-ops.js';
import { AofWriteStatus } from './aof-write-status.js';
import { AofWriter, type FsyncPolicy } from './aof-writer.js';
import {
  EMPTY_MANIFEST,
  formatManifest,
  ManifestError,
  manifestName,
  parseManifest,
  tempIncrFileName,
  tempManifestName,
  withNewBase,
  withNewIncr,
  withoutHistory,
  withRewrittenIncrAsHistory,
  type AofManifest,
} from './manifest.js';

/** The config directives the AOF reads (the node's ConfigStore). */
export interface AofConfig {
  value(name: string): string;
}

/** An RDB image writer for the base file (aof-use-rdb-preamble yes): header, keys, trailer. */
export interface RdbBaseFormat {
  /** A fresh encoder; `header()` before the first entry, `trailer()` after the last. */
  createEncoder(): SnapshotEncoder & { header(): Buffer; trailer(): Buffer };
  /**
   * Loads the RDB image at the start of `data` into the keyspace; resolves with its length in
   * bytes (an old-style AOF goes on with commands); rejects with a clear message when corrupt.
   */
  load(data: Buffer, fileName: string): Promise<number>;
}

/** What the AOF needs from the node. */
export interface AofHost {
  readonly keyspace: Keyspace;
  readonly config: AofConfig;
  readonly log: AofLog;
  nowMs(): number;
  /** Runs one command as the AOF loading client; false for an unknown command. */
  executeLoaded(argv: string[]): boolean;
  /** The RDB codec, once available (else bases are written as commands and RDB bases refused). */
  readonly rdb: RdbBaseFormat | undefined;
  /** A BGSAVE is running (till its file is committed): a rewrite waits, as for Redis's child. */
  bgsaveInProgress(): boolean;
  /** Called when the AOF has bytes to write: the node flushes them before the turn's replies. */
  requestFlush(): void;
}

/** A condition Redis answers by exiting with status 1 (bad manifest, corrupt AOF...). */
export class AofFatalError extends Error {}

type AofState = 'off' | 'on' | 'wait-rewrite';

interface Rewrite {
  readonly snapshot: Snapshot;
  readonly tempBasePath: string;
  readonly startedAtMs: number;
  fd: number;
}

/**
 * The append-only file of a node: Redis 7.0's multi-part AOF (docs/aof.md). It loads the
 * files at start, appends every propagated command to the current incr file with the chosen
 * fsync policy, and rewrites the base without fork (BGREWRITEAOF) from a point-in-time
 * snapshot (src/persistence/snapshot) while new writes go to a fresh incr file.
 */
export class AppendOnlyFile {
  readonly #host: AofHost;
  #state: AofState = 'off';
  #manifest: AofManifest = EMPTY_MANIFEST;
  #writer: AofWriter | undefined;
  #rewrite: Rewrite | undefined;
  /** Bytes of base + incr files (INFO aof_current_size) and of the base after the last rewrite. */
  #currentSize = 0;
  #baseSize = 0;
  rewriteScheduled = false;
  #lastRewriteTimeSec = -1;
  #lastRewriteOk = true;
  #rewrites = 0;
  #consecutiveFailures = 0;
  /** While the files load at start: INFO loading fields (unix seconds, bytes). */
  #loading: { startUnixSeconds: number; totalBytes: number; loadedBytes: number } | undefined;
  /** Resolves when the running rewrite ends (tests, DEBUG). */
  #rewriteDone: Promise<void> = Promise.resolve();
  /** Whether the last write / background fsync failed: outlives the writers (INFO, -MISCONF). */
  readonly #writeStatus = new AofWriteStatus();
  #fileOps: AofFileOps = nodeAofFileOps;

  constructor(host: AofHost) {
    this.#host = host;
  }

  get enabled(): boolean {
    return this.#state !== 'off';
  }

  get loading(): boolean {
    return this.#loading !== undefined;
  }

  /** INFO loading_* figures while loading. */
  loadingInfo(): { startUnixSeconds: number; totalBytes: number; loadedBytes: number } | undefined {
    return this.#loading;
  }

  get rewriteInProgress(): boolean {
    return this.#rewrite !== undefined;
  }

  /** Settles when the current rewrite (if any) is over. */
  get rewriteDone(): Promise<void> {
    return this.#rewriteDone;
  }

  get dirPath(): string {
    return resolve(this.#host.config.value('dir'), this.#host.config.value('appenddirname'));
  }

  get #filename(): string {
    return this.#host.config.value('appendfilename');
  }

  get #policy(): FsyncPolicy {
    return this.#host.config.value('appendfsync') as FsyncPolicy;
  }

  get #rdbPreamble(): boolean {
    return this.#host.config.value('aof-use-rdb-preamble') === 'yes' && this.#host.rdb !== undefined;
  }

  /**
   * no-appendfsync-on-rewrite yes: no fsync of the AOF while a rewrite or a BGSAVE runs (Redis:
   * `aof_no_fsync_on_rewrite && hasActiveChildProcess()`; the child's disk I/O would stall it).
   */
  #fsyncSkippedForRewrite(): boolean {
    return this.#host.config.value('no-appendfsync-on-rewrite') === 'yes' && (this.#rewrite !== undefined || this.#otherBackgroundWork());
  }

  /**
   * Tests: the system calls the AOF makes on its incr files (aof-file-ops.ts), to make writes or
   * fsyncs fail or count them; applies to the open file and to the files opened later.
   */
  useFileOps(ops: AofFileOps): void {
    this.#fileOps = ops;
    this.#writer?.useFileOps(ops);
  }

  /**
   * Redis's writeCommandsDeniedByDiskError for the AOF: the -MISCONF error write commands get
   * while the AOF is on and its last write (or background fsync) failed; undefined otherwise.
   */
  get writeRefusal(): string | undefined {
    return this.#state === 'off' ? undefined : this.#writeStatus.refusal;
  }

  /** Redis's hasActiveChildProcess for a rewrite: another snapshot or a BGSAVE not yet committed. */
  #otherBackgroundWork(): boolean {
    return snapshotRunning(this.#host.keyspace) || this.#host.bgsaveInProgress();
  }

  // ---- start -----------------------------------------------------------------------------

  /**
   * At start with appendonly yes (Redis's loadDataFromDisk + aofOpenIfNeededOnServerStart):
   * loads the manifest's files, creates a base when there is none, opens the last incr file.
   * Throws AofFatalError (the CLI exits 1) where Redis exits.
   */
  /**
   * Reads the manifest at start whatever appendonly says (Redis's aofLoadManifestFromDisk: a
   * later BGREWRITEAOF or CONFIG SET appendonly yes continues its sequence numbers).
   */
  loadManifest(): void {
    this.#manifest = this.#readManifest();
  }

  async openOnStart(): Promise<void> {
    if (this.#host.config.value('appendonly') !== 'yes') return;
    this.#upgradeOldStyleIfNeeded();
    const manifest = this.#manifest;
    if (manifest.base !== undefined || manifest.incr.length > 0) {
      const started = performance.now();
      const loading = { startUnixSeconds: Math.floor(this.#host.nowMs() / 1000), totalBytes: 0, loadedBytes: 0 };
      this.#loading = loading;
      let result;
      try {
        result = await loadAppendOnlyFiles(this.dirPath, manifest, {
          execute: (argv) => this.#host.executeLoaded(argv),
          loadRdb: async (data, fileName) => {
            if (this.#host.rdb === undefined) throw new Error(`Tessera cannot read the RDB base file ${fileName}`);
            return this.#host.rdb.load(data, fileName);
          },
          oldStyleName: this.#filename,
          loadTruncated: this.#host.config.value('aof-load-truncated') === 'yes',
          log: this.#host.log,
          commandDelay: this.#commandDelay(),
          // Clients are served between slices (they get -LOADING), as Redis's processEventsWhileBlocked.
          yieldToClients: () => new Promise((resolve) => setImmediate(resolve)),
          progress: (loadedBytes, totalBytes) => {
            loading.loadedBytes = loadedBytes;
            loading.totalBytes = totalBytes;
          },
        });
      } finally {
        this.#loading = undefined;
      }
      if (result.status === 'failed' || result.status === 'open-error') throw new AofFatalError('AOF loading failed');
      if (result.status === 'ok' || result.status === 'truncated') {
        this.#host.log.log('notice', `DB loaded from append only file: ${((performance.now() - started) / 1000).toFixed(3)} seconds`);
      }
      this.#currentSize = result.totalBytes;
      this.#baseSize = result.baseBytes;
    }
    this.#openAfterLoad();
  }

  #commandDelay(): (() => void) | undefined {
    const us = Number(this.#host.config.value('key-load-delay'));
    return us === 0 ? undefined : () => keyDelay(us);
  }

  /**
   * Redis's aofUpgradePrepare: a single `appendfilename` file in `dir` (Redis < 7.0) becomes the
   * base of a new directory (its manifest written first, then the file moved in).
   */
  #upgradeOldStyleIfNeeded(): void {
    const dir = this.#host.config.value('dir');
    const oldPath = resolve(dir, this.#filename);
    if (!existsSync(oldPath)) return;
    const manifest = this.#manifest;
    const noFiles = manifest.base === undefined && manifest.incr.length === 0;
    const halfDone = manifest.base !== undefined && manifest.incr.length === 0 && manifest.base.name === this.#filename && !existsSync(join(this.dirPath, this.#filename));
    if (existsSync(this.dirPath) && !noFiles && !halfDone) return;
    this.#ensureDir();
    const upgraded: AofManifest = { ...EMPTY_MANIFEST, base: { name: this.#filename, seq: 1, type: 'b' }, baseSeq: 1 };
    this.#persistManifest(upgraded);
    try {
      renameSync(oldPath, join(this.dirPath, this.#filename));
    } catch (error) {
      this.#host.log.log('warning', `Error trying to move the old AOF file ${this.#filename} into dir ${this.#host.config.value('appenddirname')}: ${(error as Error).message}`);
      throw new AofFatalError('cannot move the old AOF');
    }
    this.#manifest = upgraded;
    this.#host.log.log('notice', `Successfully migrated an old-style AOF file (${this.#filename}) into the AOF directory (${this.#host.config.value('appenddirname')}).`);
  }

  #readManifest(): AofManifest {
    const path = join(this.dirPath, manifestName(this.#filename));
    if (!existsSync(this.dirPath) || !existsSync(path)) return EMPTY_MANIFEST;
    let text: string;
    try {
      text = readFileSync(path, 'latin1');
    } catch (error) {
      this.#host.log.log('warning', `Fatal error: can't open the AOF manifest file ${path} for reading: ${(error as Error).message}`);
      throw new AofFatalError('cannot read the AOF manifest');
    }
    try {
      return parseManifest(text);
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      this.#host.log.log('warning', '\n*** FATAL AOF MANIFEST FILE ERROR ***\n');
      if (error.line !== undefined) {
        this.#host.log.log('warning', `Reading the manifest file, at line ${error.lineNumber}\n`);
        this.#host.log.log('warning', `>>> '${error.line.replace(/[\r\n]+$/, '')}'\n`);
      }
      this.#host.log.log('warning', `${error.message}\n`);
      throw new AofFatalError(error.message);
    }
  }

  #openAfterLoad(): void {
    const dir = this.dirPath;
    this.#ensureDir();
    let manifest = this.#manifest;
    const hadIncr = manifest.incr.length > 0;
    if (manifest.base === undefined && !hadIncr) {
      // Redis forces a base at start, from the dataset as it is (empty, in practice).
      manifest = withNewBase(manifest, this.#filename, this.#rdbPreamble);
      const baseName = (manifest.base as { name: string }).name;
      this.#writeBaseNow(join(dir, baseName));
      // Redis counts neither this base in aof_current_size nor in aof_base_size (they stay 0).
      this.#host.log.log('notice', `Creating AOF base file ${baseName} on server start`);
    }
    if (manifest.incr.length === 0) manifest = withNewIncr(manifest, this.#filename);
    const incrName = (manifest.incr[manifest.incr.length - 1] as { name: string }).name;
    let fd: number;
    try {
      fd = openSync(join(dir, incrName), 'a', 0o644);
    } catch (error) {
      this.#host.log.log('warning', `Can't open the append-only file ${incrName}: ${(error as Error).message}`);
      throw new AofFatalError('cannot open the AOF');
    }
    this.#persistManifest(manifest);
    this.#manifest = manifest;
    this.#writer = this.#newWriter(fd, fstatSync(fd).size);
    this.#state = 'on';
    this.#host.log.log('notice', `${hadIncr ? 'Opening' : 'Creating'} AOF incr file ${incrName} on server start`);
    // History files a crash left behind (between a rewrite's manifest and their deletion).
    void this.#deleteHistory();
  }

  #newWriter(fd: number, sizeBytes: number): AofWriter {
    const writer = new AofWriter(fd, sizeBytes, {
      policy: this.#policy,
      log: this.#host.log,
      nowMs: () => this.#host.nowMs(),
      fileOps: this.#fileOps,
      status: this.#writeStatus,
      skipFsync: () => this.#fsyncSkippedForRewrite(),
    });
    writer.onWritten = (bytes) => (this.#currentSize += bytes);
    writer.timestamps = this.#host.config.value('aof-timestamp-enabled') === 'yes';
    return writer;
  }

  #ensureDir(): void {
    try {
      mkdirSync(this.dirPath, { recursive: true });
    } catch (error) {
      this.#host.log.log('warning', `Can't open or create append-only dir ${this.#host.config.value('appenddirname')}: ${(error as Error).message}`);
      throw new AofFatalError('cannot create the AOF directory');
    }
  }

  /** A whole base written synchronously (at start: the dataset is empty or just loaded). */
  #writeBaseNow(path: string): void {
    const temp = `${path}.tmp-${process.pid}`;
    const fd = openSync(temp, 'w', 0o644);
    try {
      const { encoder, header, trailer } = this.#baseEncoder();
      if (header.length > 0) writeSync(fd, header);
      for (const db of this.#host.keyspace.databases) {
        if (db.size === 0) continue;
        encoder.selectDb(db.id, db.size, db.expiresCount);
        for (const [key, value] of db.entries()) {
          const at = db.exactExpireAtMs(key);
          encoder.entry(key, value, at === undefined ? undefined : Number(at), db.accessClockOf(key) ?? 0);
        }
        for (const chunk of encoder.takeChunks()) writeSync(fd, chunk);
      }
      for (const chunk of encoder.takeChunks()) writeSync(fd, chunk);
      const tail = trailer();
      if (tail.length > 0) writeSync(fd, tail);
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  }

  /** The base's encoder, its header bytes, and its trailer (EOF + checksum: known only at the end). */
  #baseEncoder(): { encoder: SnapshotEncoder; header: Buffer; trailer: () => Buffer } {
    if (this.#rdbPreamble && this.#host.rdb !== undefined) {
      const encoder = this.#host.rdb.createEncoder();
      return { encoder, header: encoder.header(), trailer: () => encoder.trailer() };
    }
    const timestampSec = this.#host.config.value('aof-timestamp-enabled') === 'yes' ? Math.floor(this.#host.nowMs() / 1000) : undefined;
    return { encoder: new AofSnapshotEncoder(timestampSec), header: Buffer.alloc(0), trailer: () => Buffer.alloc(0) };
  }

  #persistManifest(manifest: AofManifest): void {
    const dir = this.dirPath;
    const temp = join(dir, tempManifestName(this.#filename));
    const fd = openSync(temp, 'w', 0o644);
    try {
      writeSync(fd, formatManifest(manifest), null, 'latin1');
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, join(dir, manifestName(this.#filename)));
    // The directory entry of the new files must reach the disk too.
    try {
      const dirFd = openSync(dir, 'r');
      try {
        fdatasyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    } catch {
      // Some file systems refuse to sync a directory; the rename is still atomic.
    }
  }

  // ---- writing ---------------------------------------------------------------------------

  /** A propagated command (after SELECT handling by the writer). */
  feed(dbIndex: number, argv: readonly string[]): void {
    const writer = this.#writer;
    if (writer === undefined) return;
    // While waiting for the first rewrite, writes are kept only once the rewrite runs.
    if (this.#state === 'wait-rewrite' && this.#rewrite === undefined) return;
    const wasIdle = writer.bufferedBytes === 0;
    writer.feed(dbIndex, argv);
    if (wasIdle) this.#host.requestFlush();
  }

  /** Replies must wait: there are bytes to write (or, with always, to fsync) first. */
  get mustFlushBeforeReplies(): boolean {
    const writer = this.#writer;
    return writer !== undefined && writer.mustWriteBeforeReplies;
  }

  /** Once per event-loop turn, before the turn's replies (Redis's beforeSleep). */
  flush(): void {
    this.#writer?.flush();
  }

  /** From the node's tick: write retries, fsyncs when idle, scheduled and automatic rewrites. */
  tick(): void {
    this.#writer?.tick();
    if (this.#rewrite !== undefined || this.#state === 'off') return;
    if (this.rewriteScheduled && !this.#otherBackgroundWork()) {
      this.#startRewrite();
      return;
    }
    const percent = Number(this.#host.config.value('auto-aof-rewrite-percentage'));
    const minSize = Number(this.#host.config.value('auto-aof-rewrite-min-size'));
    if (this.#state === 'on' && percent > 0 && this.#currentSize > minSize && !this.#otherBackgroundWork()) {
      const base = this.#baseSize > 0 ? this.#baseSize : 1;
      const growth = Math.floor((this.#currentSize * 100) / base) - 100;
      if (growth >= percent) {
        this.#host.log.log('notice', `Starting automatic rewriting of AOF on ${growth}% growth`);
        this.#startRewrite();
      }
    }
  }

  /** aof-timestamp-enabled changed (CONFIG SET). */
  setTimestamps(enabled: boolean): void {
    if (this.#writer) this.#writer.timestamps = enabled;
  }

  /** appendfsync changed (CONFIG SET). */
  setPolicy(policy: FsyncPolicy): void {
    if (this.#writer) this.#writer.policy = policy;
  }

  // ---- CONFIG SET appendonly ---------------------------------------------------------------

  /** appendonly yes at runtime (Redis's startAppendOnly): a rewrite builds the first base. */
  enable(): void {
    if (this.#state !== 'off') return;
    this.#state = 'wait-rewrite';
    if (this.#otherBackgroundWork()) {
      this.rewriteScheduled = true;
      this.#host.log.log('warning', 'AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.');
      this.#forgetWriteErrors();
      return;
    }
    if (!this.#startRewrite()) {
      this.#state = 'off';
      this.#host.log.log('warning', "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.");
      throw new Error('cannot start the AOF');
    }
    this.#forgetWriteErrors();
  }

  /** Redis's startAppendOnly: errors of the AOF turned off before do not refuse writes now. */
  #forgetWriteErrors(): void {
    if (this.#writeStatus.fsyncErrorCode !== undefined) this.#host.log.log('warning', 'AOF reopen, just ignore the AOF fsync error in bio job');
    if (this.#writeStatus.writeErrorCode !== undefined) this.#host.log.log('warning', 'AOF reopen, just ignore the last error.');
    this.#writeStatus.reset();
  }

  /** appendonly no at runtime (Redis's stopAppendOnly). */
  disable(): void {
    if (this.#state === 'off') return;
    this.#writer?.close();
    this.#writer = undefined;
    if (this.#state === 'wait-rewrite') unlink(join(this.dirPath, tempIncrFileName(this.#filename)), () => {});
    this.#state = 'off';
    this.rewriteScheduled = false;
    this.#abortRewrite();
  }

  /** Shutdown: everything written and synced (Redis's flushAppendOnlyFile(1) + fsync). */
  close(): void {
    this.#abortRewrite();
    if (this.#writer === undefined) return;
    this.#host.log.log('notice', 'Calling fsync() on the AOF file.');
    this.#writer.close();
    this.#writer = undefined;
  }

  // ---- BGREWRITEAOF ------------------------------------------------------------------------

  /** BGREWRITEAOF: 'started' or 'scheduled'; throws Error with Redis's message otherwise. */
  backgroundRewrite(inTransaction: boolean): 'started' | 'scheduled' {
    if (this.#rewrite !== undefined) throw new Error('Background append only file rewriting already in progress');
    if (this.#otherBackgroundWork() || inTransaction) {
      this.rewriteScheduled = true;
      this.#consecutiveFailures = 0;
      return 'scheduled';
    }
    if (!this.#startRewrite()) throw new Error("Can't execute an AOF background rewriting. Please check the server logs for more information.");
    return 'started';
  }

  /**
   * Redis's rewriteAppendOnlyFileBackground, without fork: the buffer goes to the current incr
   * file, a new incr file takes every write from now on (recorded in the manifest at once), and
   * a snapshot of this very moment is written as the new base; at the end the manifest switches
   * to the new base and the older files are deleted.
   */
  #startRewrite(): boolean {
    const dir = this.dirPath;
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      this.#host.log.log('warning', `Can't open or create append-only dir ${this.#host.config.value('appenddirname')}: ${(error as Error).message}`);
      this.#lastRewriteOk = false;
      return false;
    }
    if (!this.#openNewIncr()) {
      this.#lastRewriteOk = false;
      return false;
    }
    this.#rewrites++;
    const tempBasePath = join(dir, `temp-rewriteaof-bg-${process.pid}.aof`);
    let fd: number;
    try {
      fd = openSync(tempBasePath, 'w', 0o644);
    } catch (error) {
      this.#host.log.log('warning', `Can't open the temp file for AOF rewrite: ${(error as Error).message}`);
      this.#lastRewriteOk = false;
      return false;
    }
    const { encoder, header, trailer } = this.#baseEncoder();
    if (header.length > 0) writeSync(fd, header);
    const saveDelayUs = Number(this.#host.config.value('rdb-key-save-delay'));
    const snapshot = startSnapshot(this.#host.keyspace, {
      encoder,
      // rdb-key-save-delay slows the rewrite too, as in Redis (tests).
      keyDelay: saveDelayUs === 0 ? undefined : () => keyDelay(saveDelayUs),
      sink: (chunk) => {
        if (this.#rewrite !== undefined) writeSync(this.#rewrite.fd, chunk);
      },
    });
    const rewrite: Rewrite = { snapshot, tempBasePath, startedAtMs: this.#host.nowMs(), fd };
    this.#rewrite = rewrite;
    this.rewriteScheduled = false;
    this.#host.log.log('notice', `Background append only file rewriting started by pid ${process.pid}`);
    this.#rewriteDone = snapshot.done.then(
      () => this.#finishRewrite(rewrite, trailer),
      (error: Error) => this.#failRewrite(rewrite, error),
    );
    return true;
  }

  /** Redis's openNewIncrAofForAppend. */
  #openNewIncr(): boolean {
    const dir = this.dirPath;
    if (this.#state === 'off') return true;
    if (this.#state === 'wait-rewrite') {
      const path = join(dir, tempIncrFileName(this.#filename));
      try {
        const fd = openSync(path, 'w', 0o644);
        this.#writer?.close();
        this.#writer = this.#newWriter(fd, 0);
      } catch (error) {
        this.#host.log.log('warning', `Can't open the append-only file ${tempIncrFileName(this.#filename)}: ${(error as Error).message}`);
        return false;
      }
      this.#host.log.log('notice', `Creating AOF incr file ${tempIncrFileName(this.#filename)} on background rewrite`);
      return true;
    }
    const next = withNewIncr(this.#manifest, this.#filename);
    const name = (next.incr[next.incr.length - 1] as { name: string }).name;
    let fd: number;
    try {
      fd = openSync(join(dir, name), 'w', 0o644);
      this.#persistManifest(next);
    } catch (error) {
      this.#host.log.log('warning', `Can't open the append-only file ${name}: ${(error as Error).message}`);
      return false;
    }
    this.#host.log.log('notice', `Creating AOF incr file ${name} on background rewrite`);
    this.#manifest = next;
    this.#writer?.switchTo(fd, 0);
    return true;
  }

  /** Redis's backgroundRewriteDoneHandler, success path. */
  async #finishRewrite(rewrite: Rewrite, trailer: () => Buffer): Promise<void> {
    if (this.#rewrite !== rewrite) return;
    let removals: Promise<void> = Promise.resolve();
    this.#rewrite = undefined;
    const dir = this.dirPath;
    try {
      const tail = trailer();
      if (tail.length > 0) writeSync(rewrite.fd, tail);
      fdatasyncSync(rewrite.fd);
      closeSync(rewrite.fd);
      this.#host.log.log('notice', `Successfully created the temporary AOF base file ${rewrite.tempBasePath.slice(dir.length + 1)}`);
      this.#host.log.log('notice', 'Background AOF rewrite terminated with success');
      let manifest = withNewBase(this.#manifest, this.#filename, this.#rdbPreamble);
      const baseName = (manifest.base as { name: string }).name;
      renameSync(rewrite.tempBasePath, join(dir, baseName));
      this.#host.log.log('notice', `Successfully renamed the temporary AOF base file ${rewrite.tempBasePath.slice(dir.length + 1)} into ${baseName}`);
      if (this.#state === 'wait-rewrite') {
        manifest = withNewIncr(manifest, this.#filename);
        const incrName = (manifest.incr[manifest.incr.length - 1] as { name: string }).name;
        renameSync(join(dir, tempIncrFileName(this.#filename)), join(dir, incrName));
        this.#host.log.log('notice', `Successfully renamed the temporary AOF incr file ${tempIncrFileName(this.#filename)} into ${incrName}`);
      }
      manifest = withRewrittenIncrAsHistory(manifest, this.#state !== 'off');
      this.#persistManifest(manifest);
      this.#manifest = manifest;
      if (this.#state !== 'off') {
        this.#currentSize = statSync(join(dir, baseName)).size + (this.#writer?.writtenBytes ?? 0);
        this.#baseSize = this.#currentSize;
      }
      removals = this.#deleteHistory();
      this.#lastRewriteOk = true;
      this.#consecutiveFailures = 0;
      this.#host.log.log('notice', 'Background AOF rewrite finished successfully');
      if (this.#state === 'wait-rewrite') this.#state = 'on';
    } catch (error) {
      this.#host.log.log('warning', `Background AOF rewrite failed: ${(error as Error).message}`);
      this.#lastRewriteOk = false;
      this.#consecutiveFailures++;
      try {
        unlinkSync(rewrite.tempBasePath);
      } catch {
        // already gone
      }
      if (this.#state === 'wait-rewrite') this.rewriteScheduled = true;
    }
    this.#lastRewriteTimeSec = Math.floor((this.#host.nowMs() - rewrite.startedAtMs) / 1000);
    await removals;
  }

  #failRewrite(rewrite: Rewrite, error: Error): void {
    if (this.#rewrite === rewrite) this.#rewrite = undefined;
    try {
      closeSync(rewrite.fd);
    } catch {
      // closed already
    }
    unlink(rewrite.tempBasePath, () => {});
    this.#lastRewriteTimeSec = Math.floor((this.#host.nowMs() - rewrite.startedAtMs) / 1000);
    if (error.message === 'aof rewrite stopped') return;
    this.#lastRewriteOk = false;
    this.#consecutiveFailures++;
    this.#host.log.log('warning', `Background AOF rewrite terminated with error: ${error.message}`);
    if (this.#state === 'wait-rewrite') this.rewriteScheduled = true;
  }

  #abortRewrite(): void {
    const rewrite = this.#rewrite;
    if (rewrite === undefined) return;
    this.#host.log.log('notice', 'Killing running AOF rewrite');
    rewrite.snapshot.abort(new Error('aof rewrite stopped'));
  }

  /**
   * Redis's aofDelHistoryFiles (aof-disable-auto-gc keeps them): unlinked off the event loop
   * (Redis's bio thread); resolves once they are gone.
   */
  #deleteHistory(): Promise<void> {
    if (this.#host.config.value('aof-disable-auto-gc') === 'yes' || this.#manifest.history.length === 0) return Promise.resolve();
    const removals: Array<Promise<void>> = [];
    for (const file of this.#manifest.history) {
      this.#host.log.log('notice', `Removing the history file ${file.name} in the background`);
      removals.push(new Promise((resolve) => unlink(join(this.dirPath, file.name), () => resolve())));
    }
    this.#manifest = withoutHistory(this.#manifest);
    this.#persistManifest(this.#manifest);
    return Promise.all(removals).then(() => undefined);
  }

  // ---- INFO ------------------------------------------------------------------------------

  /** Redis 7.0's aof_* fields of INFO persistence, in its order (enabledExtra: only with AOF on). */
  infoFields(nowMs: number): { core: Array<[string, string | number]>; whenEnabled: Array<[string, string | number]> } {
    const writer = this.#writer;
    const core: Array<[string, string | number]> = [
      ['aof_enabled', this.#state !== 'off' ? 1 : 0],
      ['aof_rewrite_in_progress', this.#rewrite !== undefined ? 1 : 0],
      ['aof_rewrite_scheduled', this.rewriteScheduled ? 1 : 0],
      ['aof_last_rewrite_time_sec', this.#lastRewriteTimeSec],
      ['aof_current_rewrite_time_sec', this.#rewrite !== undefined ? Math.floor((nowMs - this.#rewrite.startedAtMs) / 1000) : -1],
      ['aof_last_bgrewrite_status', this.#lastRewriteOk ? 'ok' : 'err'],
      ['aof_rewrites', this.#rewrites],
      ['aof_rewrites_consecutive_failures', this.#consecutiveFailures],
      ['aof_last_write_status', this.#writeStatus.ok ? 'ok' : 'err'],
      ['aof_last_cow_size', 0],
    ];
    const whenEnabled: Array<[string, string | number]> =
      this.#host.config.value('appendonly') === 'yes'
        ? [
            ['aof_current_size', this.#currentSize],
            ['aof_base_size', this.#baseSize],
            ['aof_pending_rewrite', this.rewriteScheduled ? 1 : 0],
            ['aof_buffer_length', writer?.bufferedBytes ?? 0],
            ['aof_pending_bio_fsync', writer?.fsyncInProgress === true ? 1 : 0],
            ['aof_delayed_fsync', 0],
          ]
        : [];
    return { core, whenEnabled };
  }
}
