import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc16 } from './crc16.js';
import { keyHashSlot } from './hash-slot.js';

test('crc16 is XMODEM: the cluster spec test vector', () => {
  // https://redis.io/docs/reference/cluster-spec/ : CRC16("123456789") = 0x31C3
  assert.equal(crc16('123456789'), 0x31c3);
});

test('slots match redis CLUSTER KEYSLOT values', () => {
  // Values from redis-server 7.0 `CLUSTER KEYSLOT`.
  assert.equal(keyHashSlot('foo'), 12182);
  assert.equal(keyHashSlot('bar'), 5061);
  assert.equal(keyHashSlot(''), 0);
});

test('hash tags: first non-empty {...} decides the slot', () => {
  assert.equal(keyHashSlot('{user1000}.following'), keyHashSlot('user1000'));
  assert.equal(keyHashSlot('foo{}{bar}'), crc16('foo{}{bar}') & 16383); // empty first tag: whole key
  assert.equal(keyHashSlot('foo{{bar}}zap'), keyHashSlot('{bar'));
  assert.equal(keyHashSlot('foo{bar}{zap}'), keyHashSlot('bar'));
  assert.equal(keyHashSlot('{unclosed'), crc16('{unclosed') & 16383);
});

test('binary keys hash by their bytes', () => {
  const key = Buffer.from([0xff, 0x00, 0x80]).toString('latin1');
  assert.equal(keyHashSlot(key), crc16(key) & 16383);
});
