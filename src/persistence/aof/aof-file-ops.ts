import { fdatasync, fdatasyncSync, ftruncateSync, writeSync } from 'node:fs';

/**
 * The system calls the AOF writer makes on its open incr file. The node uses `nodeAofFileOps`;
 * tests pass their own to make a write or an fsync fail (root ignores file permissions, so a
 * read-only file cannot produce the errors), or to count fsyncs. Errors are thrown (or passed)
 * as Node's ErrnoException, with `code` set (ENOSPC, EIO...).
 */
export interface AofFileOps {
  /** write(2): bytes written (may be fewer than asked), or throws. */
  write(fd: number, data: Buffer, offset: number, length: number): number;
  /** fdatasync(2) on the event loop (appendfsync always, closing). */
  fdatasync(fd: number): void;
  /** fdatasync(2) off the event loop (appendfsync everysec: Redis's bio thread). */
  fdatasyncInBackground(fd: number, done: (error: NodeJS.ErrnoException | null) => void): void;
  /** ftruncate(2): removes a short write. */
  ftruncate(fd: number, lengthBytes: number): void;
}

export const nodeAofFileOps: AofFileOps = {
  write: (fd, data, offset, length) => writeSync(fd, data, offset, length),
  fdatasync: (fd) => fdatasyncSync(fd),
  fdatasyncInBackground: (fd, done) => fdatasync(fd, done),
  ftruncate: (fd, lengthBytes) => ftruncateSync(fd, lengthBytes),
};
