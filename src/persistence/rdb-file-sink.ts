import { closeSync, fsync, fsyncSync, openSync, renameSync, unlinkSync, writeSync, close } from 'node:fs';
import { dirname } from 'node:path';

/**
 * One RDB file being written the crash-safe way: bytes go to a temp file in the target's
 * directory; commit() fsyncs it, renames it over the target (atomic on POSIX), and fsyncs the
 * directory so the rename itself is durable. A crash at any point leaves the previous file
 * whole; a failure removes the temp file. Writes are synchronous (to the page cache: cheap per
 * slice); the fsyncs of a background save run on libuv's pool (commitAsync).
 */
export class RdbFileSink {
  readonly tempPath: string;
  readonly targetPath: string;
  #fd: number | undefined;
  bytesWritten = 0;

  constructor(targetPath: string, tempPath: string) {
    this.targetPath = targetPath;
    this.tempPath = tempPath;
    this.#fd = openSync(tempPath, 'w', 0o644);
  }

  write(chunk: Buffer): void {
    const fd = this.#fd;
    if (fd === undefined) throw new Error('RDB file already closed');
    let offset = 0;
    while (offset < chunk.length) offset += writeSync(fd, chunk, offset, chunk.length - offset);
    this.bytesWritten += chunk.length;
  }

  /** SAVE: fsync, close, rename, fsync the directory, all before returning. */
  commitSync(): void {
    const fd = this.#takeFd();
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(this.tempPath, this.targetPath);
    fsyncDirectorySync(dirname(this.targetPath));
  }

  /** BGSAVE: the same steps, with fsync and close off the event loop. */
  async commitAsync(): Promise<void> {
    const fd = this.#takeFd();
    try {
      await new Promise<void>((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
    } finally {
      await new Promise<void>((resolve) => close(fd, () => resolve()));
    }
    renameSync(this.tempPath, this.targetPath);
    await fsyncDirectory(dirname(this.targetPath));
  }

  /** Gives up: closes and removes the temp file (the target is untouched). */
  discard(): void {
    if (this.#fd !== undefined) {
      try {
        closeSync(this.#fd);
      } catch {
        // already unusable: removing the file is what matters
      }
      this.#fd = undefined;
    }
    try {
      unlinkSync(this.tempPath);
    } catch {
      // never created or already gone
    }
  }

  #takeFd(): number {
    const fd = this.#fd;
    if (fd === undefined) throw new Error('RDB file already closed');
    this.#fd = undefined;
    return fd;
  }
}

function fsyncDirectorySync(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function fsyncDirectory(path: string): Promise<void> {
  const fd = openSync(path, 'r');
  try {
    await new Promise<void>((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
  } finally {
    closeSync(fd);
  }
}
