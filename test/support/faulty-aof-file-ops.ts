import { nodeAofFileOps, type AofFileOps } from '../../src/persistence/aof/aof-file-ops.js';

function errnoError(code: string, syscall: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: injected failure, ${syscall}`);
  error.code = code;
  error.syscall = syscall;
  return error;
}

/**
 * The AOF's system calls with failures on demand (the seam of src/persistence/aof/aof-file-ops.ts):
 * tests run as root, so file permissions cannot make a write fail. Every call goes to the real
 * file unless a failure is set; the calls are counted.
 */
export class FaultyAofFileOps implements AofFileOps {
  /** Set: write(2) fails with this code, after letting `writeBytesBeforeFailure` bytes through (a short write). */
  writeFailure: string | undefined;
  writeBytesBeforeFailure = 0;
  /** Set: both fdatasync(2) variants fail with this code. */
  fsyncFailure: string | undefined;
  /** Set: ftruncate(2) fails with this code. */
  truncateFailure: string | undefined;
  writes = 0;
  fsyncs = 0;
  backgroundFsyncs = 0;
  /** The lengths files were truncated to. */
  readonly truncates: number[] = [];

  write(fd: number, data: Buffer, offset: number, length: number): number {
    this.writes++;
    if (this.writeFailure === undefined) return nodeAofFileOps.write(fd, data, offset, length);
    const allowed = this.writeBytesBeforeFailure;
    if (allowed > 0) {
      // One short write, then the error on the next call (as a file size limit or a full disk does).
      const bytes = nodeAofFileOps.write(fd, data, offset, Math.min(allowed, length));
      this.writeBytesBeforeFailure -= bytes;
      return bytes;
    }
    throw errnoError(this.writeFailure, 'write');
  }

  fdatasync(fd: number): void {
    this.fsyncs++;
    if (this.fsyncFailure !== undefined) throw errnoError(this.fsyncFailure, 'fdatasync');
    nodeAofFileOps.fdatasync(fd);
  }

  fdatasyncInBackground(fd: number, done: (error: NodeJS.ErrnoException | null) => void): void {
    this.backgroundFsyncs++;
    const failure = this.fsyncFailure;
    if (failure !== undefined) {
      setImmediate(() => done(errnoError(failure, 'fdatasync')));
      return;
    }
    nodeAofFileOps.fdatasyncInBackground(fd, done);
  }

  ftruncate(fd: number, lengthBytes: number): void {
    this.truncates.push(lengthBytes);
    if (this.truncateFailure !== undefined) throw errnoError(this.truncateFailure, 'ftruncate');
    nodeAofFileOps.ftruncate(fd, lengthBytes);
  }
}
