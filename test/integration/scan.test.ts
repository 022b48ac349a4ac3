import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { connectIoredis, connectNodeRedis } from '../support/clients.js';
import { startTessera } from '../support/tessera.js';

async function startNode(t: TestContext) {
  const node = await startTessera();
  t.after(() => node.stop());
  return node;
}

/** A whole SCAN, calling `between` after each step; bounded by the number of slots. */
async function fullScan(redis: Redis, args: Array<string | number>, between?: (step: number) => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  let cursor = '0';
  let step = 0;
  do {
    const [next, keys] = (await redis.call('SCAN', cursor, ...args)) as [string, string[]];
    seen.push(...keys);
    cursor = next;
    if (between) await between(step);
    step++;
  } while (cursor !== '0' && step <= 16384);
  assert.equal(cursor, '0', 'the scan finished');
  return seen;
}

test('every key present during the whole scan is returned despite concurrent inserts and deletes', async (t) => {
  const node = await startNode(t);
  const redis = await connectIoredis(t, node.port);
  const writer = await connectIoredis(t, node.port);
  const stable: string[] = [];
  const pipeline = redis.pipeline();
  for (let i = 0; i < 3000; i++) {
    stable.push(`stable:${i}`);
    pipeline.set(`stable:${i}`, 'v');
  }
  for (let i = 0; i < 500; i++) pipeline.set(`doomed:${i}`, 'v');
  await pipeline.exec();
  const seen = await fullScan(redis, ['COUNT', 50], async (step) => {
    const churn = writer.pipeline();
    for (let j = 0; j < 20; j++) churn.set(`new:${step}:${j}`, 'v');
    for (let j = 0; j < 5; j++) churn.del(`doomed:${step * 5 + j}`);
    await churn.exec();
  });
  const seenSet = new Set(seen);
  for (const key of stable) assert.ok(seenSet.has(key), `${key} returned`);
  assert.equal(seen.filter((key) => key.startsWith('stable:')).length, stable.length, 'no duplicates of stable keys');
});

test('MATCH and TYPE filter; a lone * matches the empty key too', async (t) => {
  const node = await startNode(t);
  const redis = await connectIoredis(t, node.port);
  for (const key of ['user:1', 'user:2', 'order:1', '']) await redis.set(key, 'v');
  assert.deepEqual((await fullScan(redis, ['MATCH', 'user:*'])).sort(), ['user:1', 'user:2']);
  assert.deepEqual((await fullScan(redis, ['MATCH', '*'])).sort(), ['', 'order:1', 'user:1', 'user:2']);
  assert.deepEqual((await fullScan(redis, ['MATCH', '**'])).sort(), ['order:1', 'user:1', 'user:2']);
  assert.deepEqual((await fullScan(redis, ['TYPE', 'STRING', 'MATCH', 'o*'])).sort(), ['order:1']);
  assert.deepEqual(await fullScan(redis, ['TYPE', 'hash']), []);
  assert.deepEqual(await fullScan(redis, ['TYPE', 'nosuchtype']), []);
});

test('SCAN does not return expired keys and removes them', async (t) => {
  const node = await startNode(t);
  node.server.setActiveExpireEnabled(false);
  const redis = await connectIoredis(t, node.port);
  await redis.set('live', 'v');
  await redis.set('gone', 'v');
  await redis.pexpire('gone', 5);
  const startedMs = Date.now();
  while (Date.now() <= startedMs + 20) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(await redis.dbsize(), 2);
  assert.deepEqual(await fullScan(redis, ['COUNT', 1000]), ['live']);
  assert.equal(await redis.dbsize(), 1);
});

test('SCAN argument errors are Redis\'s', async (t) => {
  const node = await startNode(t);
  const redis = await connectIoredis(t, node.port);
  await assert.rejects(redis.call('SCAN', 'abc'), /^ReplyError: ERR invalid cursor$/);
  await assert.rejects(redis.call('SCAN', ' 1'), /ERR invalid cursor/);
  await assert.rejects(redis.call('SCAN', '18446744073709551616'), /ERR invalid cursor/);
  await assert.rejects(redis.call('SCAN', '0', 'COUNT', '0'), /ERR syntax error/);
  await assert.rejects(redis.call('SCAN', '0', 'COUNT', 'x'), /ERR value is not an integer or out of range/);
  await assert.rejects(redis.call('SCAN', '0', 'MATCH'), /ERR syntax error/);
  await assert.rejects(redis.call('SCAN', '0', 'LIMIT', '5'), /ERR syntax error/);
  assert.deepEqual(await redis.call('SCAN', ''), ['0', []]);
  assert.deepEqual(await redis.call('SCAN', '-1'), ['0', []], 'a cursor past the end finishes the scan');
});

test('node-redis scanIterator walks every key', async (t) => {
  const node = await startNode(t);
  const client = await connectNodeRedis(t, node.port);
  const expected: string[] = [];
  for (let i = 0; i < 200; i++) {
    expected.push(`k${i}`);
    await client.set(`k${i}`, 'v');
  }
  const seen: string[] = [];
  for await (const key of client.scanIterator({ COUNT: 7 })) seen.push(key);
  assert.deepEqual(seen.sort(), expected.sort());
});
