import { closeSync, close as closeAsync } from 'node:fs';
import { errnoCode, strerror } from '../os-error-text.js';
import { nodeAofFileOps, type AofFileOps } from './aof-file-ops.js';
import type { AofLog } from './aof-log.js';
import { AofWriteStatus } from './aof-write-status.js';
import { encodeCommand, encodeSelect } from './resp-command.js';

export type FsyncPolicy = 'always' | 'everysec' | 'no';

/** A buffered write larger than this is written at once instead of waiting for the turn's end. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/** Redis's serverCron retries a failed AOF write once a second (run_with_period(1000)). */
const WRITE_RETRY_INTERVAL_MS = 1000;
/** Redis's AOF_WRITE_LOG_ERROR_RATE: at most one write error logged per 30 seconds. */
const WRITE_ERROR_LOG_INTERVAL_SEC = 30;
/** write(2) interrupted by a signal is retried (Redis's aofWrite), this many times at most. */
const MAX_WRITE_INTERRUPTS = 100;

export interface AofWriterOptions {
  policy: FsyncPolicy;
  log: AofLog;
  nowMs: () => number;
  /** Fatal errors with `always` (Redis exits: an acknowledged write could not be persisted). */
  exit?: (code: number) => void;
  /** The system calls on the file (tests inject failures); nodeAofFileOps by default. */
  fileOps?: AofFileOps;
  /** The node's write status, shared by successive writers; a fresh one by default. */
  status?: AofWriteStatus;
  /**
   * no-appendfsync-on-rewrite: true while fsyncs are to be skipped (a rewrite or BGSAVE runs,
   * Redis's `aof_no_fsync_on_rewrite && hasActiveChildProcess()`).
   */
  skipFsync?: () => boolean;
}

/**
 * The open incremental AOF file and the buffer of commands not yet written to it (Redis's
 * aof_buf). Commands are appended as RESP (with a SELECT when the database changes); the node
 * calls flush() once per event-loop turn, before replies go out, like Redis's beforeSleep:
 * one write(2) per turn, and with `always` one fdatasync before any reply of that turn.
 * With `everysec` the fdatasync runs on the libuv thread pool, at most one at a time and at
 * most once a second; `no` leaves syncing to the kernel.
 *
 * A failed write (ENOSPC, EIO, a short write, cut back with ftruncate) keeps the data in the
 * buffer and sets `status` to err: the node refuses writes (-MISCONF) until a retry goes
 * through. With `always` the node exits instead, as Redis does.
 */
export class AofWriter {
  policy: FsyncPolicy;
  readonly status: AofWriteStatus;
  #fd: number;
  #log: AofLog;
  #ops: AofFileOps;
  #skipFsync: () => boolean;
  #chunks: string[] = [];
  #bufferedBytes = 0;
  #selectedDb = -1;
  /** Bytes written to the current file (Redis's aof_last_incr_size). */
  writtenBytes: number;
  /** writtenBytes covered by the last completed fdatasync (Redis's aof_last_incr_fsync_offset). */
  #syncedBytes: number;
  /** Unix seconds of the last fdatasync started (Redis's aof_last_fsync). */
  #lastFsyncSec: number;
  #lastRetryMs = 0;
  #fsyncInProgress = false;
  /** Called after every successful write with the bytes written (INFO aof_current_size). */
  onWritten: (bytes: number) => void = () => {};
  #nowMs: () => number;
  #exit: (code: number) => void;

  constructor(fd: number, initialBytes: number, options: AofWriterOptions) {
    this.#fd = fd;
    this.writtenBytes = initialBytes;
    this.#syncedBytes = initialBytes;
    this.policy = options.policy;
    this.#log = options.log;
    this.#nowMs = options.nowMs;
    this.#lastFsyncSec = Math.floor(options.nowMs() / 1000);
    this.#exit = options.exit ?? ((code) => process.exit(code));
    this.#ops = options.fileOps ?? nodeAofFileOps;
    this.status = options.status ?? new AofWriteStatus();
    this.#skipFsync = options.skipFsync ?? (() => false);
  }

  /** Tests: replace the system calls (the seam of aof-file-ops.ts). */
  useFileOps(ops: AofFileOps): void {
    this.#ops = ops;
  }

  get bufferedBytes(): number {
    return this.#bufferedBytes;
  }

  get hasPending(): boolean {
    return this.#bufferedBytes > 0 || (this.policy !== 'no' && this.#unsynced);
  }

  get fsyncInProgress(): boolean {
    return this.#fsyncInProgress;
  }

  /** aof-timestamp-enabled: a `#TS:<unix seconds>` annotation when the second changed. */
  timestamps = false;
  #lastTimestampSec = 0;

  /** Appends one command of database `dbIndex` (Redis's feedAppendOnlyFile). */
  feed(dbIndex: number, argv: readonly string[]): void {
    if (this.timestamps) {
      const nowSec = Math.floor(this.#nowMs() / 1000);
      if (nowSec > this.#lastTimestampSec) {
        this.#lastTimestampSec = nowSec;
        this.#append(`#TS:${nowSec}\r\n`);
      }
    }
    if (dbIndex !== this.#selectedDb) {
      this.#append(encodeSelect(dbIndex));
      this.#selectedDb = dbIndex;
    }
    this.#append(encodeCommand(argv));
    if (this.#bufferedBytes > MAX_BUFFERED_BYTES) this.flush();
  }

  /** The next command gets a SELECT (a new file was opened). */
  forceSelect(): void {
    this.#selectedDb = -1;
  }

  #append(text: string): void {
    this.#chunks.push(text);
    this.#bufferedBytes += text.length;
  }

  /**
   * Writes the buffer, then fsyncs as the policy says (Redis's flushAppendOnlyFile). A failed
   * write keeps the unwritten bytes for the next call and marks the status err (writes are then
   * refused); with `always` it exits instead.
   */
  flush(): void {
    if (this.#bufferedBytes > 0) {
      if (!this.#write()) return;
    } else if (!this.#unsynced) {
      return;
    }
    if (this.#skipFsync()) return;
    if (this.policy === 'always') this.#fsyncNow();
    else if (this.policy === 'everysec') this.maybeFsyncInBackground();
  }

  /**
   * From the node's tick (Redis's serverCron): retries a failed write once a second (the error
   * clears when it goes through), finishes an `always` fsync skipped during a rewrite, and starts
   * the everysec fsync when the writes stopped.
   */
  tick(): void {
    if (this.status.writeErrorCode !== undefined) {
      const nowMs = this.#nowMs();
      if (nowMs - this.#lastRetryMs < WRITE_RETRY_INTERVAL_MS) return;
      this.#lastRetryMs = nowMs;
      this.flush();
      return;
    }
    if (this.policy === 'always' && this.#unsynced) this.flush();
    else this.maybeFsyncInBackground();
  }

  /** Replies must wait for this turn's write (and, with always, its fdatasync). */
  get mustWriteBeforeReplies(): boolean {
    return this.#bufferedBytes > 0 || (this.policy === 'always' && this.#unsynced && !this.#skipFsync());
  }

  get #unsynced(): boolean {
    return this.#syncedBytes !== this.writtenBytes;
  }

  /** `always`: fdatasync on the event loop; a failure exits (an acknowledged write may be lost). */
  #fsyncNow(): void {
    if (!this.#unsynced) return;
    try {
      this.#ops.fdatasync(this.#fd);
    } catch (error) {
      this.#log.log('warning', `Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${strerror(errnoCode(error))}. Exiting...`);
      this.#exit(1);
      return;
    }
    this.#syncedBytes = this.writtenBytes;
    this.#lastFsyncSec = this.#nowSec();
  }

  /**
   * everysec: starts an async fdatasync when the unix second changed since the last one (Redis's
   * `server.unixtime > server.aof_last_fsync`) and data is unsynced, never two at once.
   */
  maybeFsyncInBackground(): void {
    if (this.policy !== 'everysec' || this.#fsyncInProgress || !this.#unsynced || this.#skipFsync()) return;
    const nowSec = this.#nowSec();
    if (nowSec <= this.#lastFsyncSec) return;
    this.#lastFsyncSec = nowSec;
    this.#fsyncInProgress = true;
    const target = this.writtenBytes;
    const fd = this.#fd;
    this.#ops.fdatasyncInBackground(fd, (error) => {
      this.#fsyncInProgress = false;
      // Redis's bio job: EBADF/EINVAL mean the fd was closed meanwhile, not a failed fsync.
      if (error && error.code !== 'EBADF' && error.code !== 'EINVAL') {
        if (this.status.fsyncErrorCode === undefined) this.#log.log('warning', `Fail to fsync the AOF file: ${strerror(errnoCode(error))}`);
        this.status.fsyncErrorCode = errnoCode(error);
        return;
      }
      this.status.fsyncErrorCode = undefined;
      // The bytes are retried at the next second unless this one went through (Tessera retries
      // where Redis, which records the offset when it starts the job, would not).
      if (!error && fd === this.#fd) this.#syncedBytes = Math.max(this.#syncedBytes, target);
    });
  }

  /** One write of the whole buffer (Redis's aofWrite + its error handling); false when it failed. */
  #write(): boolean {
    const data = Buffer.from(this.#chunks.length === 1 ? (this.#chunks[0] as string) : this.#chunks.join(''), 'latin1');
    let written = 0;
    let failure: unknown;
    let interrupts = 0;
    while (written < data.length) {
      try {
        const bytes = this.#ops.write(this.#fd, data, written, data.length - written);
        if (bytes <= 0) break;
        written += bytes;
      } catch (error) {
        if (errnoCode(error) === 'EINTR' && ++interrupts <= MAX_WRITE_INTERRUPTS) continue;
        failure = error;
        break;
      }
    }
    if (written === data.length) {
      if (this.status.writeErrorCode !== undefined) {
        this.#log.log('warning', 'AOF write error looks solved, Redis can write again.');
        this.status.writeErrorCode = undefined;
      }
      this.#chunks = [];
      this.#bufferedBytes = 0;
      this.#account(written);
      return true;
    }
    this.#writeFailed(data, written, failure);
    return false;
  }

  /** A write that did not go through whole (Redis's flushAppendOnlyFile error path). */
  #writeFailed(data: Buffer, written: number, failure: unknown): void {
    const nowSec = this.#nowSec();
    const canLog = nowSec - this.status.lastErrorLogSec > WRITE_ERROR_LOG_INTERVAL_SEC;
    if (canLog) this.status.lastErrorLogSec = nowSec;
    let kept = written;
    let code: string;
    if (written === 0) {
      code = failure === undefined ? 'ENOSPC' : errnoCode(failure);
      if (canLog) this.#log.log('warning', `Error writing to the AOF file: ${strerror(code)}`);
    } else {
      if (canLog) this.#log.log('warning', `Short write while writing to the AOF file: (nwritten=${written}, expected=${data.length})`);
      // A partial command would make the file unloadable: cut it off; it is rewritten whole later.
      try {
        this.#ops.ftruncate(this.#fd, this.writtenBytes);
        kept = 0;
      } catch (error) {
        if (canLog) {
          this.#log.log(
            'warning',
            `Could not remove short write from the append-only file.  Redis may refuse to load the AOF the next time it starts.  ftruncate: ${strerror(errnoCode(error))}`,
          );
        }
      }
      code = 'ENOSPC';
    }
    if (this.policy === 'always') {
      // The replies of this turn would acknowledge writes that are not on disk: Redis exits.
      this.#log.log('warning', "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
      this.#exit(1);
      return;
    }
    this.status.writeErrorCode = code;
    if (kept > 0) {
      // The part the file kept (no ftruncate) leaves the buffer; the rest is retried.
      const rest = data.subarray(kept).toString('latin1');
      this.#chunks = [rest];
      this.#bufferedBytes = rest.length;
      this.#account(kept);
    }
  }

  #account(bytes: number): void {
    this.writtenBytes += bytes;
    this.onWritten(bytes);
  }

  #nowSec(): number {
    return Math.floor(this.#nowMs() / 1000);
  }

  /**
   * Makes `fd` the file to append to (a rewrite opened a new incr file): the buffer is written
   * to the old file first (and synced with `always`, Redis's flushAppendOnlyFile(1)), which is
   * then fsynced and closed off the hot path. Bytes a failed write left go to the new file.
   */
  switchTo(fd: number, initialBytes: number): void {
    if (this.#bufferedBytes === 0 || this.#write()) {
      if (this.policy === 'always') this.#fsyncNow();
    }
    const old = this.#fd;
    this.#fd = fd;
    this.writtenBytes = initialBytes;
    this.#syncedBytes = initialBytes;
    this.#selectedDb = -1;
    this.#ops.fdatasyncInBackground(old, () => closeAsync(old, () => {}));
  }

  /** Writes and fsyncs everything, then closes the file (appendonly no, shutdown: Redis's stopAppendOnly). */
  close(): void {
    if (this.#bufferedBytes > 0) this.#write();
    try {
      this.#ops.fdatasync(this.#fd);
    } catch (error) {
      this.#log.log('warning', `Fail to fsync the AOF file: ${strerror(errnoCode(error))}`);
    }
    try {
      closeSync(this.#fd);
    } catch {
      // already closed
    }
  }

  /** Drops buffered commands (AOF turned off while waiting for its first rewrite). */
  discardBuffer(): void {
    this.#chunks = [];
    this.#bufferedBytes = 0;
  }
}
