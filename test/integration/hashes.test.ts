import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectIoredis, connectNodeRedis, rawClient } from '../support/clients.js';
import { replyToPlain } from '../support/raw-client.js';
import { startTessera, recordPropagation } from '../support/tessera.js';

test('ioredis and node-redis read and write hashes, binary safe', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const ioredis = await connectIoredis(t, node.port);
  const nodeRedis = await connectNodeRedis(t, node.port);
  assert.equal(await ioredis.hset('h', { a: '1', b: '2' }), 2);
  assert.deepEqual({ ...(await nodeRedis.hGetAll('h')) }, { a: '1', b: '2' });
  const field = Buffer.from([0, 0xff, 0x0d, 0x0a]);
  const value = Buffer.from([0x80, 0, 1]);
  assert.equal(await ioredis.hset('h', field, value), 1);
  assert.deepEqual(await ioredis.hgetBuffer('h', field), value);
  assert.equal(await nodeRedis.hLen('h'), 3);
  assert.deepEqual(await ioredis.hmget('h', 'a', 'missing', 'b'), ['1', null, '2']);
  assert.equal(await ioredis.hincrby('h', 'n', 5), 5);
  assert.equal(await ioredis.hincrbyfloat('h', 'f', '1.1'), '1.1');
  assert.equal(await ioredis.hincrbyfloat('h', 'f', '2.2'), '3.3');
  assert.equal(await ioredis.hdel('h', 'a', 'b', 'n', 'f', 'nope'), 4);
  assert.equal(await ioredis.hdel('h', field), 1);
  assert.equal(await ioredis.exists('h'), 0, 'a hash left empty is deleted');
});

test('RESP3: HGETALL is a map, HRANDFIELD WITHVALUES a list of pairs, RESP2 flat', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await rawClient(t, node.port);
  await client.call('HSET', 'h', 'a', '1', 'b', '2');
  await client.call('HELLO', '3');
  assert.deepEqual(replyToPlain(await client.call('HGETALL', 'h')), {
    map: [
      [{ bulk: 'a' }, { bulk: '1' }],
      [{ bulk: 'b' }, { bulk: '2' }],
    ],
  });
  assert.deepEqual(replyToPlain(await client.call('HGETALL', 'nope')), { map: [] });
  const pairs = await client.call('HRANDFIELD', 'h', '-3', 'WITHVALUES');
  assert.equal(pairs.type, 'array');
  assert.ok(pairs.type === 'array' && pairs.value.length === 3 && pairs.value.every((pair) => pair.type === 'array' && pair.value.length === 2));
  await client.call('HELLO', '2');
  const flat = await client.call('HRANDFIELD', 'h', '-3', 'WITHVALUES');
  assert.ok(flat.type === 'array' && flat.value.length === 6 && flat.value.every((item) => item.type === 'bulk'));
  assert.deepEqual(replyToPlain(await client.call('HGETALL', 'h')), { array: [{ bulk: 'a' }, { bulk: '1' }, { bulk: 'b' }, { bulk: '2' }] });
});

test('HRANDFIELD: a positive count gives distinct fields, a negative one exactly |count| with repeats', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  const fields = Array.from({ length: 1000 }, (_, i) => `f${i}`);
  await redis.hset('big', Object.fromEntries(fields.map((f) => [f, 'v'])));
  assert.equal(await redis.object('ENCODING', 'big'), 'hashtable');
  for (const count of [1, 10, 400, 999]) {
    const picked = (await redis.hrandfield('big', count)) as string[];
    assert.equal(picked.length, count);
    assert.equal(new Set(picked).size, count);
    for (const f of picked) assert.ok(fields.includes(f));
  }
  const repeated = (await redis.hrandfield('big', -2000)) as string[];
  assert.equal(repeated.length, 2000);
  assert.ok(new Set(repeated).size < 2000, 'with 2000 picks from 1000 fields some repeat');
  const whole = (await redis.hrandfield('big', 5000)) as string[];
  assert.deepEqual([...whole].sort(), [...fields].sort());
});

test('HSCAN over a hashtable returns every field present for the whole scan, with its value', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  const stable = new Map<string, string>();
  for (let i = 0; i < 2000; i++) stable.set(`s${i}`, `v${i}`);
  await redis.hset('h', Object.fromEntries(stable));
  await redis.hset('h', Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`tmp${i}`, 'x'])));
  const seen = new Map<string, string>();
  let cursor = '0';
  let steps = 0;
  let removed = 0;
  do {
    const [next, items] = await redis.hscan('h', cursor, 'COUNT', 50);
    for (let i = 0; i < items.length; i += 2) seen.set(items[i] as string, items[i + 1] as string);
    if (removed < 500) await redis.hdel('h', ...Array.from({ length: 25 }, () => `tmp${removed++}`));
    await redis.hset('h', `late${steps}`, 'x');
    cursor = next;
    steps++;
  } while (cursor !== '0' && steps < 1000);
  assert.ok(steps > 10 && steps < 1000, `cursor-based walk took ${steps} steps`);
  for (const [field, value] of stable) assert.equal(seen.get(field), value, field);
  const matched = await redis.hscan('h', 0, 'MATCH', 's1?', 'COUNT', 100_000);
  assert.equal(matched[0], '0');
  assert.deepEqual(
    matched[1].filter((_, i) => i % 2 === 0).sort(),
    Array.from({ length: 10 }, (_, i) => `s1${i}`),
  );
});

test('listpack becomes hashtable past hash-max-listpack-entries / -value, never back', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  assert.deepEqual(await redis.config('GET', 'hash-max-listpack-*'), ['hash-max-listpack-entries', '512', 'hash-max-listpack-value', '64']);
  await redis.config('SET', 'hash-max-listpack-entries', '2');
  await redis.hset('h', 'a', '1', 'b', '2');
  assert.equal(await redis.object('ENCODING', 'h'), 'listpack');
  await redis.hset('h', 'c', '3');
  assert.equal(await redis.object('ENCODING', 'h'), 'hashtable');
  await redis.hdel('h', 'a', 'b');
  assert.equal(await redis.object('ENCODING', 'h'), 'hashtable');
  await redis.hset('v', 'f', 'x'.repeat(65));
  assert.equal(await redis.object('ENCODING', 'v'), 'hashtable');
  assert.ok(((await redis.memory('USAGE', 'v')) as number) > 65);
});

test('HINCRBYFLOAT propagates as HSET with the result', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const propagated = recordPropagation(node);
  const redis = await connectIoredis(t, node.port);
  await redis.hincrbyfloat('h', 'f', '10.5');
  await redis.hincrbyfloat('h', 'f', '0.1');
  await redis.hincrby('h', 'n', 2);
  assert.deepEqual(propagated, [
    ['HSET', 'h', 'f', '10.5'],
    ['HSET', 'h', 'f', '10.6'],
    ['hincrby', 'h', 'n', '2'],
  ]);
});

test('WRONGTYPE for every hash command on a string key', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await rawClient(t, node.port);
  await client.call('SET', 's', 'v');
  for (const argv of [['HSET', 's', 'f', 'v'], ['HGET', 's', 'f'], ['HGETALL', 's'], ['HSCAN', 's', '0'], ['HRANDFIELD', 's', '2'], ['HINCRBY', 's', 'f', '1']]) {
    assert.deepEqual(replyToPlain(await client.call(...argv)), { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' }, argv.join(' '));
  }
});
