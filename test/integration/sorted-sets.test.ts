import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SortedSet } from '../../src/keyspace/types/zset/sorted-set.js';
import { connectIoredis, connectNodeRedis, rawClient } from '../support/clients.js';
import { replyToPlain } from '../support/raw-client.js';
import { startTessera } from '../support/tessera.js';

test('ZADD and ZRANGE keep binary members in byte order, scores as Redis prints them', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  const high = Buffer.from([0xff, 0x00]);
  const low = Buffer.from([0x00, 0x01]);
  assert.equal(await redis.zadd('z', 0, high, 0, low, 0, 'a', 0.1, 'tenth', -Infinity, 'ninf'), 5);
  const members = await redis.zrangeBuffer('z', 0, -1);
  assert.deepEqual(members, [Buffer.from('ninf'), low, Buffer.from('a'), high, Buffer.from('tenth')]);
  assert.deepEqual(await redis.zrange('z', -2, -1, 'WITHSCORES'), ['\ufffd\u0000', '0', 'tenth', '0.10000000000000001']);
  assert.equal(await redis.zscore('z', 'ninf'), '-inf');
});

test('RESP3: scores are doubles, WITHSCORES pairs are nested arrays, ZSCAN scores stay strings', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await rawClient(t, node.port);
  await client.call('HELLO', '3');
  await client.call('ZADD', 'z', '1.5', 'a', '2', 'b');
  assert.deepEqual(replyToPlain(await client.call('ZSCORE', 'z', 'a')), { double: '1.5' });
  assert.deepEqual(replyToPlain(await client.call('ZRANGE', 'z', '0', '-1', 'WITHSCORES')), {
    array: [{ array: [{ bulk: 'a' }, { double: '1.5' }] }, { array: [{ bulk: 'b' }, { double: '2' }] }],
  });
  assert.deepEqual(replyToPlain(await client.call('ZPOPMIN', 'z')), { array: [{ bulk: 'a' }, { double: '1.5' }] });
  assert.deepEqual(replyToPlain(await client.call('ZSCAN', 'z', '0')), { array: [{ bulk: '0' }, { array: [{ bulk: 'b' }, { bulk: '2' }] }] });
});

test('encoding: listpack up to zset-max-listpack-entries/value, then skiplist for good', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  for (let i = 0; i < 128; i++) await redis.zadd('small', i, `m${i}`);
  assert.equal(await redis.object('ENCODING', 'small'), 'listpack');
  await redis.zadd('small', 128, 'm128');
  assert.equal(await redis.object('ENCODING', 'small'), 'skiplist');
  await redis.zremrangebyrank('small', 0, 120);
  assert.equal(await redis.object('ENCODING', 'small'), 'skiplist');
  await redis.zadd('long', 1, 'x'.repeat(64));
  assert.equal(await redis.object('ENCODING', 'long'), 'listpack');
  await redis.zadd('long', 1, 'y'.repeat(65));
  assert.equal(await redis.object('ENCODING', 'long'), 'skiplist');
  // A store result converts back when it fits, as zsetConvertToListpackIfNeeded does.
  await redis.zunionstore('copy', 1, 'small');
  assert.equal(await redis.object('ENCODING', 'copy'), 'listpack');
  assert.ok(node.server.keyspace.db(0).peek('copy') instanceof SortedSet);
});

test('ranks and ranges on a large set agree with a sorted model', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  const model = new Map<string, number>();
  const pipeline = redis.pipeline();
  for (let i = 0; i < 5000; i++) {
    const member = `user:${(i * 7919) % 5000}`;
    const score = (i * 31) % 977;
    model.set(member, score);
    pipeline.zadd('lb', score, member);
  }
  for (let i = 0; i < 1000; i++) {
    const member = `user:${(i * 13) % 5000}`;
    model.set(member, (model.get(member) as number) + 2.5);
    pipeline.zincrby('lb', 2.5, member);
  }
  await pipeline.exec();
  const sorted = [...model].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  assert.equal(await redis.zcard('lb'), sorted.length);
  for (const rank of [0, 1, 777, 2500, 4998, 4999]) {
    const [member] = sorted[rank] as [string, number];
    assert.equal(await redis.zrank('lb', member), rank);
    assert.equal(await redis.zrevrank('lb', member), sorted.length - 1 - rank);
  }
  assert.deepEqual(await redis.zrange('lb', 100, 109), sorted.slice(100, 110).map(([m]) => m));
  assert.deepEqual(await redis.zrevrange('lb', 0, 4), sorted.slice(-5).reverse().map(([m]) => m));
  const inRange = sorted.filter(([, s]) => s > 100 && s <= 200);
  assert.equal(await redis.zcount('lb', '(100', '200'), inRange.length);
  assert.deepEqual(await redis.zrangebyscore('lb', '(100', '200', 'LIMIT', 10, 5), inRange.slice(10, 15).map(([m]) => m));
  assert.equal(await redis.zremrangebyscore('lb', '-inf', '(100'), sorted.filter(([, s]) => s < 100).length);
});

test('ZSCAN over a large set returns every member present for the whole scan', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  const pipeline = redis.pipeline();
  for (let i = 0; i < 2000; i++) pipeline.zadd('big', i, `m${i}`);
  await pipeline.exec();
  const seen = new Set<string>();
  let cursor = '0';
  let steps = 0;
  do {
    const [next, items] = await redis.zscan('big', cursor, 'COUNT', 50);
    for (let i = 0; i < items.length; i += 2) seen.add(items[i] as string);
    // Churn while scanning: new members, and removals of ones already returned.
    await redis.zadd('big', steps, `new${steps}`);
    if (steps > 2) await redis.zrem('big', `m${steps}`);
    cursor = next;
    steps++;
  } while (cursor !== '0' && steps < 1000);
  assert.equal(cursor, '0');
  for (let i = 200; i < 2000; i++) assert.ok(seen.has(`m${i}`), `m${i} missing`);
});

test('WRONGTYPE for sorted set commands on a string key; empty sets are deleted', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectNodeRedis(t, node.port);
  await redis.set('s', 'v');
  await assert.rejects(redis.zAdd('s', { score: 1, value: 'a' }), /WRONGTYPE/);
  await assert.rejects(redis.zRange('s', 0, -1), /WRONGTYPE/);
  await redis.zAdd('z', [
    { score: 1, value: 'a' },
    { score: 2, value: 'b' },
  ]);
  assert.equal(await redis.zRem('z', ['a', 'b']), 2);
  assert.equal(await redis.exists('z'), 0);
});

test('BZPOPMIN blocks until ZADD, serves clients in order, and times out with a null', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const first = await rawClient(t, node.port);
  const second = await rawClient(t, node.port);
  const writer = await connectIoredis(t, node.port);
  const firstReply = first.call('BZPOPMIN', 'q', '0');
  const secondReply = second.call('BZMPOP', '0', '1', 'q', 'MAX', 'COUNT', '5');
  // Both are parked once the server counts them as blocked.
  for (let i = 0; i < 100 && !/blocked_clients:2/.test(await writer.info('clients')); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.match(await writer.info('clients'), /blocked_clients:2/);
  await writer.zadd('q', 1, 'a', 2, 'b', 3, 'c');
  assert.deepEqual(replyToPlain(await firstReply), { array: [{ bulk: 'q' }, { bulk: 'a' }, { bulk: '1' }] });
  const pair = (member: string, score: string) => ({ array: [{ bulk: member }, { bulk: score }] });
  assert.deepEqual(replyToPlain(await secondReply), { array: [{ bulk: 'q' }, { array: [pair('c', '3'), pair('b', '2')] }] });
  assert.equal(await writer.exists('q'), 0);
  assert.equal(replyToPlain(await first.call('BZPOPMAX', 'q', '0.05')), null);
});

test('a woken BZPOPMIN skips a key overwritten with another type and keeps waiting (as Redis)', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const waiter = await rawClient(t, node.port);
  const writer = await connectIoredis(t, node.port);
  const reply = waiter.call('BZPOPMIN', 'q', '0');
  for (let i = 0; i < 100 && node.server.blocking.size === 0; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(node.server.blocking.size, 1, 'the client is parked');
  await writer.set('q', 'a string now');
  assert.equal(node.server.blocking.size, 1, 'still waiting: no WRONGTYPE for a woken client');
  await writer.del('q');
  await writer.zadd('q', 5, 'm');
  assert.deepEqual(replyToPlain(await reply), { array: [{ bulk: 'q' }, { bulk: 'm' }, { bulk: '5' }] });
});
