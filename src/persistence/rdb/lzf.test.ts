import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lzfCompress, lzfDecompress } from './lzf.js';
import { RdbFormatError } from './rdb-format-error.js';

test('lzf known answer: Redis compresses 36 x "a" to these bytes (rdbSaveLzfStringObject)', () => {
  // DUMP of SET k <36 x 'a'> from redis-server 7.0.15: 00 c3 09 24, then these 9 bytes.
  const input = Buffer.from('a'.repeat(36));
  const out = lzfCompress(input);
  assert.ok(out !== null);
  assert.equal(out.toString('hex'), '016161e01700016161');
  assert.deepEqual(lzfDecompress(out, input.length), input);
});

test('lzf returns null when it cannot save 4 bytes, or for 4 bytes or less', () => {
  assert.equal(lzfCompress(Buffer.from('abcd')), null);
  assert.equal(lzfCompress(Buffer.from('abcdefghijklmnopqrstuvwxyz0123456789')), null);
});

test('lzf round trip on repetitive and random data of many sizes', () => {
  let seed = 12345;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  for (let n = 5; n < 3000; n += 37) {
    const repetitive = Buffer.alloc(n);
    for (let i = 0; i < n; i++) repetitive[i] = 97 + ((i / 7) % 5 | 0);
    const compressed = lzfCompress(repetitive);
    if (compressed !== null) assert.deepEqual(lzfDecompress(compressed, n), repetitive);
    const random = Buffer.alloc(n);
    for (let i = 0; i < n; i++) random[i] = next() & (i % 3 === 0 ? 0xff : 0x3);
    const c2 = lzfCompress(random);
    if (c2 !== null) assert.deepEqual(lzfDecompress(c2, n), random);
  }
});

test('lzf decompression of corrupt data throws RdbFormatError, never reads or writes out of bounds', () => {
  const input = Buffer.from('hello hello hello hello hello hello hello');
  const compressed = lzfCompress(input) as Buffer;
  assert.throws(() => lzfDecompress(compressed, input.length - 1), RdbFormatError);
  assert.throws(() => lzfDecompress(compressed, input.length + 1), RdbFormatError);
  assert.throws(() => lzfDecompress(Buffer.from([0x20, 0x05]), 10), RdbFormatError); // reference before the start
  assert.throws(() => lzfDecompress(Buffer.from([0x05, 0x61]), 6), RdbFormatError); // literal past the end
  for (let i = 0; i < compressed.length; i++) {
    for (const bit of [1, 2, 4, 8, 16, 32, 64, 128]) {
      const broken = Buffer.from(compressed);
      broken[i] = (broken[i] as number) ^ bit;
      try {
        lzfDecompress(broken, input.length);
      } catch (error) {
        assert.ok(error instanceof RdbFormatError);
      }
    }
  }
});
