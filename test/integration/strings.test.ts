import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerValue } from '../../src/keyspace/stored-value.js';
import { connectIoredis, connectNodeRedis, rawClient } from '../support/clients.js';
import { replyToPlain } from '../support/raw-client.js';
import { startTessera, type InProcessNode } from '../support/tessera.js';

const WRONGTYPE = /WRONGTYPE Operation against a key holding the wrong kind of value$/;

/** A non-string value for WRONGTYPE checks, whatever container types this build has. */
function plantList(node: InProcessNode, key: string): void {
  const list: ContainerValue = { type: 'list', size: 1, encoding: () => 'listpack', clone: () => list, memoryUsageBytes: () => 0 };
  node.server.keyspace.db(0).set(key, list);
}

test('SET and GET keep binary values byte for byte', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  const bytes = Buffer.from([0, 1, 0xff, 0x0d, 0x0a, 0x80, 0]);
  assert.equal(await redis.set(Buffer.from([0xfe, 0]), bytes), 'OK');
  assert.deepEqual(await redis.getBuffer(Buffer.from([0xfe, 0])), bytes);
  assert.equal(await redis.strlen(Buffer.from([0xfe, 0])), 7);
  assert.equal(await redis.set('empty', ''), 'OK');
  assert.equal(await redis.get('empty'), '');
});

test('SET expiry options set the key TTL; KEEPTTL keeps it, a plain SET clears it', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  const db = node.server.keyspace.db(0);
  const before = Date.now();
  assert.equal(await redis.set('k', 'v', 'EX', 100), 'OK');
  const atMs = db.expireAtMs('k');
  assert.ok(atMs !== undefined && atMs >= before + 100_000 && atMs <= Date.now() + 100_000);
  assert.equal(await redis.set('k', 'v2', 'KEEPTTL'), 'OK');
  assert.equal(db.expireAtMs('k'), atMs);
  assert.equal(await redis.set('k', 'v3'), 'OK');
  assert.equal(db.expireAtMs('k'), undefined);
  assert.equal(await redis.set('k', 'v', 'PXAT', 4102444800000), 'OK');
  assert.equal(db.expireAtMs('k'), 4102444800000);
  assert.equal(await redis.set('k', 'v', 'EXAT', 4102444800), 'OK');
  assert.equal(db.expireAtMs('k'), 4102444800000);
  await assert.rejects(redis.set('k', 'v', 'EX', 0), /^ReplyError: ERR invalid expire time in 'set' command$/);
  await assert.rejects(redis.call('SET', 'k', 'v', 'EX', '10', 'PX', '10'), /ERR syntax error/);
  await assert.rejects(redis.setex('k', -1, 'v'), /ERR invalid expire time in 'setex' command/);
  assert.equal(await redis.psetex('k', 5000, 'v'), 'OK');
  assert.ok((db.expireAtMs('k') ?? 0) > Date.now());
});

test('SET NX/XX/GET reply types in RESP2 and RESP3', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await rawClient(t, node.port);
  assert.deepEqual(replyToPlain(await client.call('SET', 'k', 'v', 'XX')), null);
  assert.deepEqual(replyToPlain(await client.call('SET', 'k', 'v', 'NX', 'GET')), null);
  assert.deepEqual(replyToPlain(await client.call('SET', 'k', 'w', 'NX', 'GET')), { bulk: 'v' });
  assert.deepEqual(replyToPlain(await client.call('SET', 'k', 'w', 'GET')), { bulk: 'v' });
  assert.deepEqual(replyToPlain(await client.call('SETNX', 'k', 'x')), { integer: '0' });
  await client.call('HELLO', '3');
  const nullReply = await client.call('GET', 'missing');
  assert.equal(nullReply.type, 'null');
  const mget = await client.call('MGET', 'k', 'missing');
  assert.deepEqual(replyToPlain(mget), { array: [{ bulk: 'w' }, null] });
});

test('GETEX changes the TTL, GETDEL removes the key, GETSET clears the TTL', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  const db = node.server.keyspace.db(0);
  await redis.set('k', 'v');
  assert.equal(await redis.getex('k', 'PX', 60_000), 'v');
  assert.ok((db.expireAtMs('k') ?? 0) > Date.now());
  assert.equal(await redis.getex('k', 'PERSIST'), 'v');
  assert.equal(db.expireAtMs('k'), undefined);
  assert.equal(await redis.getex('k', 'PXAT', 1), 'v');
  assert.equal(await redis.get('k'), null);
  await redis.set('k', 'v', 'EX', 100);
  assert.equal(await redis.getset('k', 'w'), 'v');
  assert.equal(db.expireAtMs('k'), undefined);
  assert.equal(await redis.getdel('k'), 'w');
  assert.equal(await redis.getdel('k'), null);
});

test('counters: INCR family, overflow and non-integer errors, INCRBYFLOAT formatting', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectNodeRedis(t, node.port);
  assert.equal(await redis.incr('c'), 1);
  assert.equal(await redis.incrBy('c', 41), 42);
  assert.equal(await redis.decrBy('c', 50), -8);
  assert.equal(await redis.decr('c'), -9);
  await redis.set('max', '9223372036854775807');
  await assert.rejects(redis.incr('max'), /ERR increment or decrement would overflow/);
  await assert.rejects(redis.sendCommand(['DECRBY', 'c', '-9223372036854775808']), /ERR decrement would overflow/);
  await redis.set('text', 'abc');
  await assert.rejects(redis.incr('text'), /ERR value is not an integer or out of range/);
  assert.equal(await redis.incrByFloat('f', 1.1), '1.1');
  assert.equal(await redis.incrByFloat('f', 2.2), '3.3');
  assert.equal(await redis.sendCommand(['INCRBYFLOAT', 'g', '3.0e3']), '3000');
  await assert.rejects(redis.sendCommand(['INCRBYFLOAT', 'g', 'inf']), /ERR increment would produce NaN or Infinity/);
  await assert.rejects(redis.sendCommand(['INCRBYFLOAT', 'text', '1']), /ERR value is not a valid float/);
});

test('INCRBYFLOAT keeps the TTL of the key', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  await redis.set('f', '1', 'EX', 100);
  const atMs = node.server.keyspace.db(0).expireAtMs('f');
  assert.equal(await redis.incrbyfloat('f', '0.5'), '1.5');
  assert.equal(node.server.keyspace.db(0).expireAtMs('f'), atMs);
});

test('APPEND, SETRANGE and GETRANGE edit strings in place', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  assert.equal(await redis.append('s', 'Hello'), 5);
  assert.equal(await redis.append('s', ' World'), 11);
  assert.equal(await redis.getrange('s', -5, -1), 'World');
  assert.equal(await redis.setrange('s', 6, 'Redis'), 11);
  assert.equal(await redis.get('s'), 'Hello Redis');
  assert.equal(await redis.setrange('z', 3, 'x'), 4);
  assert.deepEqual(await redis.getBuffer('z'), Buffer.from([0, 0, 0, 0x78]));
  await assert.rejects(redis.setrange('s', -1, 'x'), /ERR offset is out of range/);
  await assert.rejects(redis.setrange('s', 536870912, 'x'), /ERR string exceeds maximum allowed size \(proto-max-bulk-len\)/);
  assert.equal(await redis.getrange('missing', 0, -1), '');
});

test('proto-max-bulk-len bounds APPEND, SETRANGE and SETBIT', async (t) => {
  const node = await startTessera({ 'proto-max-bulk-len': '1048576' });
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  await redis.set('s', 'x'.repeat(1024 * 1024));
  await assert.rejects(redis.append('s', 'y'), /ERR string exceeds maximum allowed size/);
  assert.equal(await redis.setrange('t', 1024 * 1024 - 1, 'y'), 1024 * 1024);
  await assert.rejects(redis.setrange('t', 1024 * 1024, 'y'), /ERR string exceeds maximum allowed size/);
  await assert.rejects(redis.setbit('b', 8 * 1024 * 1024, 1), /ERR bit offset is not an integer or out of range/);
  assert.equal(await redis.setbit('b', 8 * 1024 * 1024 - 1, 1), 0);
});

test('MSET, MSETNX and MGET', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  assert.equal(await redis.mset('a', '1', 'b', '2'), 'OK');
  assert.equal(await redis.msetnx('b', '3', 'c', '4'), 0);
  assert.equal(await redis.msetnx('c', '3', 'd', '4'), 1);
  assert.deepEqual(await redis.mget('a', 'b', 'c', 'd', 'e'), ['1', '2', '3', '4', null]);
  await assert.rejects(redis.call('MSET', 'a', '1', 'b'), /ERR wrong number of arguments for 'mset' command/);
});

test('LCS returns the string, its length, or the matching ranges', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  await redis.mset('a', 'ohmytext', 'b', 'mynewtext');
  assert.equal(await redis.call('LCS', 'a', 'b'), 'mytext');
  assert.equal(await redis.call('LCS', 'a', 'b', 'LEN'), 6);
  assert.deepEqual(await redis.call('LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'), [
    'matches',
    [[[4, 7], [5, 8], 4]],
    'len',
    6,
  ]);
  await assert.rejects(redis.call('LCS', 'a', 'b', 'LEN', 'IDX'), /ERR If you want both the length and indexes, please just use IDX\./);
});

test('string commands refuse keys of other types with WRONGTYPE', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  plantList(node, 'list');
  const redis = await connectIoredis(t, node.port);
  for (const args of [['GET'], ['GETSET', 'v'], ['GETDEL'], ['GETEX'], ['INCR'], ['INCRBYFLOAT', '1'], ['APPEND', 'x'], ['STRLEN'], ['SETRANGE', '0', 'x'], ['GETRANGE', '0', '1']]) {
    const [name, ...rest] = args as [string, ...string[]];
    await assert.rejects(redis.call(name, 'list', ...rest), WRONGTYPE, name);
  }
  assert.deepEqual(await redis.mget('list'), [null]);
  await assert.rejects(redis.call('LCS', 'list', 'x'), /ERR The specified keys must contain string values/);
  assert.equal(await redis.set('list', 'now a string'), 'OK');
});
