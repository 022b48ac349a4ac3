import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { crc64 } from './crc64.js';

/** Below this size the checksum is computed inline: a worker's start costs more than it saves. */
const WORKER_MIN_BYTES = 8 * 1024 * 1024;

/**
 * Reads a whole file into a Buffer backed by a SharedArrayBuffer, so a worker thread can
 * checksum it while the main thread parses it (no copy).
 */
export function readFileShared(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const data = Buffer.from(new SharedArrayBuffer(size));
    let offset = 0;
    while (offset < size) {
      const read = readSync(fd, data, offset, size - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    return offset === size ? data : data.subarray(0, offset);
  } finally {
    closeSync(fd);
  }
}

/**
 * The CRC-64 of an RDB image's bytes before its 8-byte trailer (what an RDB file's checksum
 * covers when nothing follows it), computed on a worker thread while the main thread loads:
 * about 45 ms of the main thread's time for a 40 MB file (docs/rdb-format.md "Speed").
 * Resolves undefined when no worker can be used (small or unshared data, a worker failure):
 * the loader then computes it itself.
 */
export function checksumInWorker(data: Buffer): Promise<bigint | undefined> {
  if (!(data.buffer instanceof SharedArrayBuffer) || data.byteOffset !== 0 || data.length < WORKER_MIN_BYTES) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./crc64-worker.js', import.meta.url), { workerData: { buffer: data.buffer, length: data.length - 8 } });
    } catch {
      resolve(undefined);
      return;
    }
    worker.once('message', (value: bigint) => resolve(value));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
}

/** What checksumInWorker computes, on this thread. */
export function checksumInline(data: Buffer): bigint {
  return crc64(data.subarray(0, data.length - 8));
}
