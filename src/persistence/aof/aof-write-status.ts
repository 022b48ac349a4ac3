import { strerror } from '../os-error-text.js';

/**
 * Whether the AOF can be written: Redis's aof_last_write_status (+ aof_last_write_errno) and
 * aof_bio_fsync_status (+ aof_bio_fsync_errno). One per node, shared by the writers the AOF
 * opens one after the other, so an error outlives a file switch (and `appendonly no`, where
 * INFO still shows it; `appendonly yes` clears it, as Redis's startAppendOnly does).
 */
export class AofWriteStatus {
  /** errno code of the failed write(2) while it is not solved (ENOSPC after a short write). */
  writeErrorCode: string | undefined;
  /** errno code of the last background fdatasync when it failed (cleared by a good one). */
  fsyncErrorCode: string | undefined;
  /** Unix seconds of the last write error logged: Redis logs one per AOF_WRITE_LOG_ERROR_RATE. */
  lastErrorLogSec = 0;

  /** INFO aof_last_write_status: both the write and the background fsync are fine. */
  get ok(): boolean {
    return this.writeErrorCode === undefined && this.fsyncErrorCode === undefined;
  }

  /**
   * Redis's writeCommandsGetDiskErrorMessage for DISK_ERROR_TYPE_AOF: the error write commands
   * (and PING) get while the AOF is on and cannot be written; undefined when it can.
   */
  get refusal(): string | undefined {
    const code = this.writeErrorCode ?? this.fsyncErrorCode;
    return code === undefined ? undefined : `MISCONF Errors writing to the AOF file: ${strerror(code)}`;
  }

  /** CONFIG SET appendonly yes: "AOF reopen, just ignore the last error". */
  reset(): void {
    this.writeErrorCode = undefined;
    this.fsyncErrorCode = undefined;
  }
}
