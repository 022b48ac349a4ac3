import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Crc64, crc64 } from './crc64.js';

/** Bit by bit, straight from the definition (reflected Jones polynomial), to check the tables. */
function crc64Reference(data: Uint8Array, crc = 0n): bigint {
  const poly = 0x95ac9329ac4bc9b5n;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return crc;
}

test('crc64 known answers (Redis src/crc64.c test vectors)', () => {
  assert.equal(crc64(Buffer.from('123456789')), 0xe9c6d914c4b8d9can);
  const lorem =
    'This is a test of the emergency broadcast system. This is only a test. ' +
    'Had this been an actual emergency, you would have been instructed where to tune in your area for news and official information.';
  assert.equal(crc64(Buffer.from(lorem)), crc64Reference(Buffer.from(lorem)));
  assert.equal(crc64(Buffer.alloc(0)), 0n);
});

test('crc64 matches the bitwise definition for every length 0..300 and any split', () => {
  const data = Buffer.alloc(300);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
  for (let n = 0; n <= data.length; n++) {
    const whole = crc64(data.subarray(0, n));
    assert.equal(whole, crc64Reference(data.subarray(0, n)), `length ${n}`);
    const split = n >> 1;
    assert.equal(crc64(data.subarray(split, n), crc64(data.subarray(0, split))), whole, `split at ${split} of ${n}`);
  }
});

test('Crc64 incremental digest equals the one-shot crc, little-endian bytes', () => {
  const data = Buffer.from('REDIS0010 and some bytes that go on for a while....');
  const crc = new Crc64();
  crc.update(data.subarray(0, 13)).update(data.subarray(13));
  assert.equal(crc.digest(), crc64(data));
  assert.equal(crc.digestBytesLE().readBigUInt64LE(0), crc64(data));
});
