import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectIoredis, connectNodeRedis, rawClient } from '../support/clients.js';
import { replyToPlain } from '../support/raw-client.js';
import { startTessera, recordPropagation } from '../support/tessera.js';

test('ioredis and node-redis use sets; intsets list members in numeric order', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const ioredis = await connectIoredis(t, node.port);
  const nodeRedis = await connectNodeRedis(t, node.port);
  assert.equal(await ioredis.sadd('i', '10', '-3', '2', '2'), 3);
  assert.deepEqual(await nodeRedis.sMembers('i'), ['-3', '2', '10']);
  assert.equal(await ioredis.object('ENCODING', 'i'), 'intset');
  assert.equal(await nodeRedis.sIsMember('i', '2'), true);
  assert.deepEqual(await ioredis.smismember('i', '2', '3'), [1, 0]);
  await ioredis.sadd('s', 'a', 'b', Buffer.from([0, 0xff]));
  assert.equal(await ioredis.object('ENCODING', 's'), 'hashtable');
  assert.equal(await ioredis.sismember('s', Buffer.from([0, 0xff])), 1);
  assert.equal(await ioredis.smove('s', 'i', 'a'), 1);
  assert.equal(await ioredis.object('ENCODING', 'i'), 'hashtable');
  assert.deepEqual((await ioredis.sinter('s', 'i')).sort(), []);
  const union = (await ioredis.sunionBuffer('s', 'i')).map((member) => member.toString('latin1'));
  assert.deepEqual(union.sort(), ['-3', '10', '2', 'a', 'b', '\x00\xff'].sort());
  assert.equal(await ioredis.sintercard(2, 'i', 'i', 'LIMIT', 2), 2);
  assert.equal(await ioredis.srem('s', 'b', Buffer.from([0, 0xff])), 2);
  assert.equal(await ioredis.exists('s'), 0, 'a set left empty is deleted');
});

test('RESP3: SMEMBERS and SPOP count are sets, SRANDMEMBER count an array', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await rawClient(t, node.port);
  await client.call('HELLO', '3');
  await client.call('SADD', 's', '3', '1', '2');
  assert.deepEqual(replyToPlain(await client.call('SMEMBERS', 's')), { set: [{ bulk: '1' }, { bulk: '2' }, { bulk: '3' }] });
  assert.equal((await client.call('SRANDMEMBER', 's', '2')).type, 'array');
  assert.equal((await client.call('SPOP', 's', '1')).type, 'set');
  assert.deepEqual(replyToPlain(await client.call('SPOP', 'missing', '2')), { set: [] });
  assert.deepEqual(replyToPlain(await client.call('SRANDMEMBER', 'missing', '2')), { array: [] });
});

test('SPOP propagates as SREM of what it popped, or DEL when it took the whole set', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  await redis.sadd('s', ...Array.from({ length: 100 }, (_, i) => `m${i}`));
  const propagated = recordPropagation(node);
  const one = (await redis.spop('s')) as string;
  const few = await redis.spop('s', 3);
  const many = await redis.spop('s', 80);
  assert.equal(await redis.scard('s'), 16);
  const rest = await redis.spop('s', 16);
  assert.equal(await redis.exists('s'), 0);
  assert.deepEqual(propagated, [['SREM', 's', one], ['SREM', 's', ...few], ['SREM', 's', ...many], ['DEL', 's']]);
  assert.equal(new Set([one, ...few, ...many, ...rest]).size, 100, 'every member popped once');
});

test('SPOP taking most of a hashtable of integers rebuilds it as an intset, like Redis', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  await redis.sadd('s', ...Array.from({ length: 600 }, (_, i) => String(i)));
  assert.equal(await redis.object('ENCODING', 's'), 'hashtable');
  assert.equal((await redis.spop('s', 590)).length, 590);
  assert.equal(await redis.object('ENCODING', 's'), 'intset');
  assert.equal(await redis.scard('s'), 10);
});

test('SRANDMEMBER: positive counts are distinct, negative counts repeat', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  const members = Array.from({ length: 1000 }, (_, i) => `m${i}`);
  await redis.sadd('s', ...members);
  for (const count of [1, 50, 500, 999]) {
    const picked = await redis.srandmember('s', count);
    assert.equal(picked.length, count);
    assert.equal(new Set(picked).size, count);
  }
  const repeated = await redis.srandmember('s', -3000);
  assert.equal(repeated.length, 3000);
  assert.ok(repeated.every((m) => members.includes(m)));
  assert.equal(await redis.scard('s'), 1000, 'SRANDMEMBER does not remove');
});

test('SSCAN over a hashtable returns every member present for the whole scan', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  const stable = Array.from({ length: 3000 }, (_, i) => `s${i}`);
  await redis.sadd('set', ...stable);
  await redis.sadd('set', ...Array.from({ length: 600 }, (_, i) => `tmp${i}`));
  const seen = new Set<string>();
  let cursor = '0';
  let steps = 0;
  do {
    const [next, items] = await redis.sscan('set', cursor, 'COUNT', 40);
    for (const item of items) seen.add(item);
    if (steps < 24) await redis.srem('set', ...Array.from({ length: 25 }, (_, i) => `tmp${steps * 25 + i}`));
    await redis.sadd('set', `late${steps}`);
    cursor = next;
    steps++;
  } while (cursor !== '0' && steps < 1000);
  assert.ok(steps > 10 && steps < 1000);
  for (const member of stable) assert.ok(seen.has(member), member);
});

test('*STORE results start as intsets; an empty result deletes the destination', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  await redis.sadd('a', '1', '2', 'x');
  await redis.sadd('b', '1', '2', 'y');
  assert.equal(await redis.sinterstore('d', 'a', 'b'), 2);
  assert.equal(await redis.object('ENCODING', 'd'), 'intset');
  await redis.set('gone', 'v');
  assert.equal(await redis.sinterstore('gone', 'a', 'missing'), 0);
  assert.equal(await redis.exists('gone'), 0);
  assert.equal(await redis.sdiffstore('e', 'a', 'b'), 1);
  assert.deepEqual(await redis.smembers('e'), ['x']);
});

test('a reply too big to hold (SRANDMEMBER huge negative count) is an error, and the node goes on', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  await client.sadd('s', 'a', 'b', 'c');
  await assert.rejects(client.srandmember('s', -10_000_000_000), /reply exceeds/);
  assert.equal(await client.ping(), 'PONG');
  assert.equal(await client.scard('s'), 3);
});
