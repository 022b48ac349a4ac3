import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawString } from './raw-string.js';

test('append grows the buffer and keeps the bytes', () => {
  const raw = new RawString('ab');
  for (let i = 0; i < 1000; i++) raw.append('\x00\xff');
  assert.equal(raw.length, 2002);
  assert.equal(raw.toString().slice(0, 6), 'ab\x00\xff\x00\xff');
  assert.ok(raw.bytes.length >= raw.length);
});

test('ensureLength zero-fills the new bytes, also inside spare capacity', () => {
  const raw = new RawString('xyz', 10);
  raw.bytes[5] = 7; // garbage past the logical end must not leak into the value
  raw.ensureLength(8);
  assert.equal(raw.toString(), 'xyz\x00\x00\x00\x00\x00');
  raw.ensureLength(4);
  assert.equal(raw.length, 8);
});

test('built from a Buffer, it copies it', () => {
  const source = Buffer.from([1, 2, 3]);
  const raw = new RawString(source);
  source[0] = 9;
  assert.equal(raw.toString(), '\x01\x02\x03');
});
