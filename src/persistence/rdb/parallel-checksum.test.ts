import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc64 } from './crc64.js';
import { checksumInWorker, checksumInline, readFileShared } from './parallel-checksum.js';

test('the worker computes the same CRC-64 as this thread, over the bytes before the trailer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-crc-'));
  try {
    const bytes = Buffer.alloc(9 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    const path = join(dir, 'image');
    writeFileSync(path, bytes);
    const shared = readFileShared(path);
    assert.ok(shared.buffer instanceof SharedArrayBuffer);
    assert.ok(shared.equals(bytes));
    const expected = crc64(bytes.subarray(0, bytes.length - 8));
    assert.equal(checksumInline(shared), expected);
    assert.equal(await checksumInWorker(shared), expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('small or unshared data is left to the caller (undefined)', async () => {
  assert.equal(await checksumInWorker(Buffer.alloc(16 * 1024 * 1024)), undefined);
  assert.equal(await checksumInWorker(Buffer.from(new SharedArrayBuffer(1024))), undefined);
});
