import { closeSync, fdatasync, fdatasyncSync, close as closeAsync, writeSync } from 'node:fs';
import type { AofLog } from './aof-log.js';
import { encodeCommand, encodeSelect } from './resp-command.js';

export type FsyncPolicy = 'always' | 'everysec' | 'no';

/** Redis fsyncs at most once per second with everysec (aof_last_fsync, second granularity). */
const EVERYSEC_INTERVAL_MS = 1000;
/** A buffered write larger than this is written at once instead of waiting for the turn's end. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/**
 * The open incremental AOF file and the buffer of commands not yet written to it (Redis's
 * aof_buf). Commands are appended as RESP (with a SELECT when the database changes); the node
 * calls flush() once per event-loop turn, before replies go out, like Redis's beforeSleep:
 * one write(2) per turn, and with `always` one fdatasync before any reply of that turn.
 * With `everysec` the fdatasync runs on the libuv thread pool, at most one at a time and at
 * most once a second; `no` leaves syncing to the kernel.
 */
export class AofWriter {
  policy: FsyncPolicy;
  #fd: number;
  #log: AofLog;
  #chunks: string[] = [];
  #bufferedBytes = 0;
  #selectedDb = -1;
  /** Bytes written to the current file (Redis's aof_last_incr_size). */
  writtenBytes: number;
  /** writtenBytes at the last completed fdatasync start. */
  #syncedBytes: number;
  #lastFsyncMs = 0;
  #fsyncInProgress = false;
  /** An async fsync failed: INFO aof_last_write_status err until the next good one. */
  fsyncFailed = false;
  /** The last write failed (short write, ENOSPC...): INFO aof_last_write_status. */
  writeFailed = false;
  /** Called after every successful write with the bytes written (INFO aof_current_size). */
  onWritten: (bytes: number) => void = () => {};
  #nowMs: () => number;
  /** Fatal errors with `always` (Redis exits: an acknowledged write could not be persisted). */
  #exit: (code: number) => void;

  constructor(fd: number, initialBytes: number, options: { policy: FsyncPolicy; log: AofLog; nowMs: () => number; exit?: (code: number) => void }) {
    this.#fd = fd;
    this.writtenBytes = initialBytes;
    this.#syncedBytes = initialBytes;
    this.policy = options.policy;
    this.#log = options.log;
    this.#nowMs = options.nowMs;
    this.#lastFsyncMs = options.nowMs();
    this.#exit = options.exit ?? ((code) => process.exit(code));
  }

  get bufferedBytes(): number {
    return this.#bufferedBytes;
  }

  get hasPending(): boolean {
    return this.#bufferedBytes > 0 || (this.policy !== 'no' && this.#syncedBytes !== this.writtenBytes);
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

  /** Writes the buffer, then fsyncs as the policy says (Redis's flushAppendOnlyFile). */
  flush(): void {
    if (this.#bufferedBytes > 0) this.#write();
    if (this.writeFailed) return;
    if (this.policy === 'always') {
      if (this.#syncedBytes === this.writtenBytes) return;
      try {
        fdatasyncSync(this.#fd);
      } catch (error) {
        this.#log.log('warning', `Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${(error as Error).message}. Exiting...`);
        this.#exit(1);
        return;
      }
      this.#syncedBytes = this.writtenBytes;
      this.#lastFsyncMs = this.#nowMs();
    } else if (this.policy === 'everysec') {
      this.maybeFsyncInBackground();
    }
  }

  /** everysec: starts an async fdatasync when a second passed since the last one and data is unsynced. */
  maybeFsyncInBackground(): void {
    if (this.policy !== 'everysec' || this.#fsyncInProgress || this.#syncedBytes === this.writtenBytes) return;
    const nowMs = this.#nowMs();
    if (nowMs - this.#lastFsyncMs < EVERYSEC_INTERVAL_MS) return;
    this.#lastFsyncMs = nowMs;
    this.#fsyncInProgress = true;
    const target = this.writtenBytes;
    const fd = this.#fd;
    fdatasync(fd, (error) => {
      this.#fsyncInProgress = false;
      if (fd !== this.#fd) return; // the file was switched meanwhile (closed after its own sync)
      if (error) {
        this.fsyncFailed = true;
        this.#log.log('warning', `Error syncing the AOF file in the background: ${error.message}`);
        return;
      }
      this.fsyncFailed = false;
      this.#syncedBytes = Math.max(this.#syncedBytes, target);
    });
  }

  #write(): void {
    const data = Buffer.from(this.#chunks.length === 1 ? (this.#chunks[0] as string) : this.#chunks.join(''), 'latin1');
    let written = 0;
    try {
      while (written < data.length) written += writeSync(this.#fd, data, written, data.length - written);
    } catch (error) {
      this.#log.log('warning', `Error writing to the AOF file: ${(error as Error).message}`);
      if (this.policy === 'always') {
        this.#log.log('warning', "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
        this.#exit(1);
        return;
      }
      // Keep what was not written: it goes out at the next flush (Redis keeps aof_buf too).
      this.writeFailed = true;
      const rest = data.subarray(written).toString('latin1');
      this.#chunks = rest.length > 0 ? [rest] : [];
      this.#bufferedBytes = rest.length;
      this.writtenBytes += written;
      if (written > 0) this.onWritten(written);
      return;
    }
    if (this.writeFailed) this.#log.log('warning', 'AOF write error looks solved, Redis can write again.');
    this.writeFailed = false;
    this.#chunks = [];
    this.#bufferedBytes = 0;
    this.writtenBytes += written;
    this.onWritten(written);
  }

  /**
   * Makes `fd` the file to append to (a rewrite opened a new incr file): the buffer is written
   * to the old file first, which is then fsynced and closed off the hot path.
   */
  switchTo(fd: number, initialBytes: number): void {
    if (this.#bufferedBytes > 0) this.#write();
    const old = this.#fd;
    this.#fd = fd;
    this.writtenBytes = initialBytes;
    this.#syncedBytes = initialBytes;
    this.#selectedDb = -1;
    fdatasync(old, () => closeAsync(old, () => {}));
  }

  /** Writes and fsyncs everything, then closes the file (appendonly no, shutdown). */
  close(): void {
    if (this.#bufferedBytes > 0) this.#write();
    try {
      fdatasyncSync(this.#fd);
    } catch (error) {
      this.#log.log('warning', `Fail to fsync the AOF file: ${(error as Error).message}`);
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
