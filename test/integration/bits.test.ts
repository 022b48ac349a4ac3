import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerValue } from '../../src/keyspace/stored-value.js';
import { connectIoredis, connectNodeRedis } from '../support/clients.js';
import { RawClient, replyToPlain } from '../support/raw-client.js';
import { startTessera } from '../support/tessera.js';

test('SETBIT and GETBIT address bits most significant first and grow the string', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  assert.equal(await redis.setbit('b', 7, 1), 0);
  assert.deepEqual(await redis.getBuffer('b'), Buffer.from([0x01]));
  assert.equal(await redis.setbit('b', 7, 0), 1);
  assert.equal(await redis.setbit('b', 17, 1), 0);
  assert.deepEqual(await redis.getBuffer('b'), Buffer.from([0x00, 0x00, 0x40]));
  assert.equal(await redis.getbit('b', 17), 1);
  assert.equal(await redis.getbit('b', 1000), 0);
  await assert.rejects(redis.setbit('b', 0, 2), /ERR bit is not an integer or out of range/);
  await assert.rejects(redis.setbit('b', -1, 1), /ERR bit offset is not an integer or out of range/);
  await assert.rejects(redis.setbit('b', 4294967296, 1), /ERR bit offset is not an integer or out of range/);
});

test('BITCOUNT and BITPOS with BYTE and BIT ranges', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectNodeRedis(t, node.port);
  await redis.set('s', 'foobar');
  assert.equal(await redis.bitCount('s'), 26);
  assert.equal(await redis.bitCount('s', { start: 1, end: 1 }), 6);
  assert.equal(await redis.sendCommand(['BITCOUNT', 's', '5', '30', 'BIT']), 17);
  await redis.set('p', Buffer.from([0xff, 0xf0, 0x00]));
  assert.equal(await redis.bitPos('p', 0), 12);
  assert.equal(await redis.sendCommand(['BITPOS', 'p', '0', '0', '11', 'BIT']), -1);
  assert.equal(await redis.sendCommand(['BITPOS', 'p', '1', '12', '23', 'BIT']), -1);
  assert.equal(await redis.bitPos('missing', 0), 0);
  assert.equal(await redis.bitPos('missing', 1), -1);
  await redis.set('ones', Buffer.from([0xff, 0xff]));
  // Without an end, the string continues with zero bits; with one, it does not.
  assert.equal(await redis.bitPos('ones', 0), 16);
  assert.equal(await redis.sendCommand(['BITPOS', 'ones', '0', '0', '-1']), -1);
  await assert.rejects(redis.sendCommand(['BITPOS', 'ones', '2']), /ERR The bit argument must be 1 or 0\./);
});

test('BITOP pads shorter sources with zeros and deletes the target on empty input', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  await redis.set('a', Buffer.from([0xff, 0x0f]));
  await redis.set('b', Buffer.from([0x0f, 0xf0, 0xaa]));
  assert.equal(await redis.bitop('AND', 'd', 'a', 'b'), 3);
  assert.deepEqual(await redis.getBuffer('d'), Buffer.from([0x0f, 0x00, 0x00]));
  assert.equal(await redis.bitop('OR', 'd', 'a', 'b'), 3);
  assert.deepEqual(await redis.getBuffer('d'), Buffer.from([0xff, 0xff, 0xaa]));
  assert.equal(await redis.bitop('XOR', 'd', 'a', 'b'), 3);
  assert.deepEqual(await redis.getBuffer('d'), Buffer.from([0xf0, 0xff, 0xaa]));
  assert.equal(await redis.bitop('NOT', 'd', 'a'), 2);
  assert.deepEqual(await redis.getBuffer('d'), Buffer.from([0x00, 0xf0]));
  assert.equal(await redis.bitop('OR', 'd', 'missing'), 0);
  assert.equal(await redis.get('d'), null);
  await assert.rejects(redis.bitop('NOT', 'd', 'a', 'b'), /ERR BITOP NOT must be called with a single source key\./);
});

test('BITFIELD: signed and unsigned fields, #offsets, OVERFLOW WRAP|SAT|FAIL', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  assert.deepEqual(await redis.call('BITFIELD', 'f', 'SET', 'i8', '0', '100', 'GET', 'i8', '0'), [0, 100]);
  assert.deepEqual(await redis.call('BITFIELD', 'f', 'INCRBY', 'i8', '0', '100'), [-56]);
  assert.deepEqual(await redis.call('BITFIELD', 'f', 'OVERFLOW', 'SAT', 'INCRBY', 'i8', '0', '-300'), [-128]);
  assert.deepEqual(await redis.call('BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'i8', '0', '-1', 'GET', 'u8', '0'), [null, 128]);
  assert.deepEqual(await redis.call('BITFIELD', 'f', 'OVERFLOW', 'SAT', 'SET', 'u8', '0', '-1'), [128]);
  assert.deepEqual(await redis.call('BITFIELD', 'f', 'GET', 'u8', '0'), [255]);
  assert.deepEqual(await redis.call('BITFIELD', 'f', 'SET', 'u4', '#1', '15', 'GET', 'u8', '0'), [15, 255]);
  assert.deepEqual(await redis.call('BITFIELD', 'g', 'SET', 'i64', '0', '-1', 'GET', 'i16', '0', 'GET', 'u4', '60'), [0, -1, 15]);
  await assert.rejects(redis.call('BITFIELD', 'f', 'GET', 'u64', '0'), /ERR Invalid bitfield type\. Use something like i16 u8\. Note that u64 is not supported but i64 is\./);
  await assert.rejects(redis.call('BITFIELD', 'f', 'OVERFLOW', 'NOPE'), /ERR Invalid OVERFLOW type specified/);
  await assert.rejects(redis.call('BITFIELD', 'f', 'GET', 'i8'), /ERR syntax error/);
  assert.deepEqual(await redis.call('BITFIELD_RO', 'f', 'GET', 'u8', '0'), [255]);
  await assert.rejects(redis.call('BITFIELD_RO', 'f', 'SET', 'u8', '0', '1'), /ERR BITFIELD_RO only supports the GET subcommand/);
});

test('BITFIELD reply types: FAIL is a null, in RESP2 and RESP3', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await RawClient.connect(node.port);
  t.after(() => client.close());
  const args = ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '7', 'GET', 'u2', '0'];
  assert.deepEqual(replyToPlain(await client.call(...args)), { array: [null, { integer: '0' }] });
  await client.call('HELLO', '3');
  const reply = await client.call(...args);
  assert.equal(reply.type, 'array');
  assert.deepEqual(replyToPlain(reply), { array: [null, { integer: '0' }] });
});

test('bit commands refuse keys of other types', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const list: ContainerValue = { type: 'list', size: 1, encoding: () => 'listpack', clone: () => list, memoryUsageBytes: () => 0 };
  node.server.keyspace.db(0).set('list', list);
  const redis = await connectIoredis(t, node.port);
  for (const args of [['SETBIT', 'list', '0', '1'], ['GETBIT', 'list', '0'], ['BITCOUNT', 'list'], ['BITPOS', 'list', '1'], ['BITOP', 'OR', 'd', 'list'], ['BITFIELD', 'list', 'GET', 'u8', '0']]) {
    await assert.rejects(redis.call(...(args as [string, ...string[]])), /WRONGTYPE/, args.join(' '));
  }
});
