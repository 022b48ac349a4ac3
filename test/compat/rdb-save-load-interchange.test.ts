import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { connectIoredis } from '../support/clients.js';
import { readDataset, type KeyState } from '../support/dataset.js';
import { startRedisServer, startServerProcess } from '../support/redis-server-process.js';
import { startTessera } from '../support/tessera.js';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-rdb-interchange-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Every type in every encoding Redis 7.0 writes: small (listpack, intset) and large (hashtable,
 * skiplist, quicklist with several nodes), integers and compressible strings, a stream with
 * consumer groups and pending entries, TTLs, several databases.
 */
async function fillEverything(client: Redis): Promise<void> {
  const far = Date.now() + 7_200_000;
  await client.set('str:small', 'hello');
  await client.set('str:int', '-9223372036854775808');
  await client.set('str:int-small', '42');
  await client.set('str:compressible', 'abc'.repeat(2000));
  await client.set('str:binary', Buffer.from([0, 255, 1, 254, 13, 10, 0]));
  await client.set('str:ttl', 'x', 'PXAT', far);
  await client.rpush('list:small', 'a', 'b', '1', '2');
  const bigList: string[] = [];
  for (let i = 0; i < 1000; i++) bigList.push(`item-${i}-${'y'.repeat(i % 50)}`);
  await client.rpush('list:big', ...bigList);
  await client.rpush('list:plain', 'z'.repeat(10_000), 'small');
  await client.sadd('set:ints', '1', '2', '3', '-100');
  await client.sadd('set:small', 'a', 'b', 'c');
  const bigSet: string[] = [];
  for (let i = 0; i < 600; i++) bigSet.push(`member-${i}`);
  await client.sadd('set:big', ...bigSet);
  await client.zadd('zset:small', 1, 'a', 2.5, 'b', -1e10, 'c', 0, 'd');
  const bigZset: Array<string | number> = [];
  for (let i = 0; i < 300; i++) bigZset.push(i * 1.5, `zm-${i}`);
  await client.zadd('zset:big', ...bigZset);
  await client.zadd('zset:inf', 'inf', 'top', '-inf', 'bottom');
  await client.hset('hash:small', 'f1', 'v1', 'f2', '2');
  const bigHash: string[] = [];
  for (let i = 0; i < 700; i++) bigHash.push(`field-${i}`, `value-${i}`);
  await client.hset('hash:big', ...bigHash);
  await client.pexpireat('hash:big', far + 5);
  for (let i = 1; i <= 120; i++) await client.xadd('stream', `${i}-0`, 'n', String(i), 'payload', 'p'.repeat(i % 7));
  await client.xgroup('CREATE', 'stream', 'g1', '0');
  await client.xgroup('CREATE', 'stream', 'g2', '$');
  await client.xreadgroup('GROUP', 'g1', 'alice', 'COUNT', '5', 'STREAMS', 'stream', '>');
  await client.xreadgroup('GROUP', 'g1', 'bob', 'COUNT', '3', 'STREAMS', 'stream', '>');
  await client.xack('stream', 'g1', '2-0');
  await client.xdel('stream', '50-0');
  await client.xadd('stream:empty', '1-1', 'a', 'b');
  await client.xdel('stream:empty', '1-1');
  await client.pfadd('hll', 'a', 'b', 'c');
  for (const db of [1, 7, 15]) {
    await client.select(db);
    await client.set(`db${db}:key`, `in db ${db}`);
    await client.set(`db${db}:ttl`, 'v', 'PXAT', far + db);
  }
  await client.select(0);
}

/** Keys fillEverything creates. */
const KEY_COUNT = 26;

function diff(left: Map<string, KeyState>, right: Map<string, KeyState>): string[] {
  const out: string[] = [];
  for (const [key, state] of left) {
    const other = right.get(key);
    if (other === undefined) out.push(`${key}: missing on the right`);
    else {
      try {
        assert.deepEqual(other, state);
      } catch {
        out.push(`${key}: ${JSON.stringify(state).slice(0, 300)} != ${JSON.stringify(other).slice(0, 300)}`);
      }
    }
  }
  for (const key of right.keys()) if (!left.has(key)) out.push(`${key}: missing on the left`);
  return out;
}

test('a Tessera dump.rdb (SAVE) loads into redis-server 7.0 with the same keys, values and TTLs', async (t) => {
  const dir = tempDir(t);
  const node = await startTessera({ dir });
  t.after(() => node.stop());
  const tessera = await connectIoredis(t, node.port);
  await fillEverything(tessera);
  const expected = await readDataset(tessera);
  assert.equal(expected.size, KEY_COUNT);
  assert.equal(await tessera.save(), 'OK');
  const redis = await startServerProcess('redis-server', 'redis-server', (port) => [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
  ]);
  t.after(() => redis.stop());
  assert.match(redis.output(), /DB loaded from disk/);
  const client = await connectIoredis(t, redis.port);
  const actual = await readDataset(client);
  assert.deepEqual(diff(expected, actual), []);
});

test("redis-server 7.0's dump.rdb loads into Tessera with the same keys, values and TTLs", async (t) => {
  const redis = await startRedisServer();
  t.after(() => redis.stop());
  const client = await connectIoredis(t, redis.port);
  await fillEverything(client);
  const expected = await readDataset(client);
  assert.equal(expected.size, KEY_COUNT);
  assert.equal(await client.save(), 'OK');
  const dir = tempDir(t);
  copyFileSync(join(redis.dir, 'dump.rdb'), join(dir, 'dump.rdb'));
  const node = await startTessera({ dir });
  t.after(() => node.stop());
  assert.equal(await node.server.loadDataFromDisk(), true);
  const tessera = await connectIoredis(t, node.port);
  const actual = await readDataset(tessera);
  assert.deepEqual(diff(expected, actual), []);
  // And back: what Tessera saves from it loads into redis-server identically again.
  assert.equal(await tessera.save(), 'OK');
  const again = await startServerProcess('redis-server', 'redis-server', (port) => [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
  ]);
  t.after(() => again.stop());
  const roundTrip = await readDataset(await connectIoredis(t, again.port));
  assert.deepEqual(diff(expected, roundTrip), []);
});

test('rdbcompression no and rdbchecksum no files interchange too', async (t) => {
  const dir = tempDir(t);
  const node = await startTessera({ dir, rdbcompression: 'no', rdbchecksum: 'no' });
  t.after(() => node.stop());
  const tessera = await connectIoredis(t, node.port);
  await fillEverything(tessera);
  const expected = await readDataset(tessera);
  await tessera.save();
  const redis = await startServerProcess('redis-server', 'redis-server', (port) => [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
  ]);
  t.after(() => redis.stop());
  assert.deepEqual(diff(expected, await readDataset(await connectIoredis(t, redis.port))), []);
});
