import { parentPort, workerData } from 'node:worker_threads';
import { crc64 } from './crc64.js';

/** Worker side of parallel-checksum.ts: the CRC-64 of a shared file image's first `length` bytes. */
const { buffer, length } = workerData as { buffer: SharedArrayBuffer; length: number };
parentPort?.postMessage(crc64(new Uint8Array(buffer, 0, length)));
