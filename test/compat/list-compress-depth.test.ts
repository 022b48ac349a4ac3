import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { connectIoredis } from '../support/clients.js';
import { readDataset } from '../support/dataset.js';
import { startRedisServer } from '../support/redis-server-process.js';
import { startTessera } from '../support/tessera.js';
import { tempDir } from '../support/aof-files.js';

/**
 * list-compress-depth > 0: redis-server keeps the inner quicklist nodes LZF-compressed in memory
 * and writes them to the RDB as they are (rdbSaveLzfBlob), even with rdbcompression no. Tessera
 * keeps lists uncompressed but must read such nodes, from a file and from a DUMP payload.
 */

/** Several quicklist nodes (8 KB listpacks) of compressible items, plus plain (huge) items. */
async function fillLists(client: Redis): Promise<void> {
  const items: string[] = [];
  for (let i = 0; i < 3000; i++) items.push(`item-${i}-${'abc'.repeat(i % 40)}`);
  await client.rpush('list:long', ...items);
  await client.rpush('list:ints', ...Array.from({ length: 5000 }, (_, i) => String(i * 7)));
  // Plain nodes (items over list-max-listpack-size bytes) between packed ones.
  await client.rpush('list:plain', 'x'.repeat(10_000), ...items.slice(0, 500), 'y'.repeat(20_000), 'tail');
  await client.rpush('list:short', 'a', 'b', 'c');
}

async function redisWithCompressedLists(t: TestContext) {
  // rdbcompression no: the file gets smaller only through nodes compressed in memory.
  const redis = await startRedisServer(['--list-compress-depth', '0', '--rdbcompression', 'no']);
  t.after(() => redis.stop());
  const client = await connectIoredis(t, redis.port);
  await fillLists(client);
  assert.equal(await client.save(), 'OK');
  const plainBytes = statSync(join(redis.dir, 'dump.rdb')).size;
  // The depth applies to lists created from now on.
  await client.flushall();
  await client.config('SET', 'list-compress-depth', '1');
  await fillLists(client);
  assert.equal(await client.save(), 'OK');
  const compressedBytes = statSync(join(redis.dir, 'dump.rdb')).size;
  assert.ok(compressedBytes < plainBytes / 2, `compressed nodes in the file (${compressedBytes} bytes, ${plainBytes} without)`);
  return { redis, client };
}

test('a dump.rdb of redis-server 7.0 with list-compress-depth 1 (LZF-compressed quicklist nodes) loads into Tessera', async (t) => {
  const { redis, client } = await redisWithCompressedLists(t);
  const expected = await readDataset(client);
  const dir = tempDir(t, 'list-compress');
  copyFileSync(join(redis.dir, 'dump.rdb'), join(dir, 'dump.rdb'));
  const node = await startTessera({ dir });
  t.after(() => node.stop());
  assert.equal(await node.server.loadDataFromDisk(), true);
  const tessera = await connectIoredis(t, node.port);
  assert.deepEqual(await readDataset(tessera), expected);
  assert.equal(await tessera.object('ENCODING', 'list:long'), 'quicklist');
});

test('DUMP of a compressed list from redis-server 7.0 RESTOREs into Tessera, and back', async (t) => {
  const { client } = await redisWithCompressedLists(t);
  const node = await startTessera({});
  t.after(() => node.stop());
  const tessera = await connectIoredis(t, node.port);
  for (const key of ['list:long', 'list:ints', 'list:plain']) {
    const payload = await client.dumpBuffer(key);
    assert.ok(payload !== null);
    assert.equal(await tessera.restore(key, 0, payload), 'OK');
    assert.deepEqual(await tessera.lrange(key, 0, -1), await client.lrange(key, 0, -1), key);
    // Tessera's DUMP of it restores into redis-server (which compresses it again in memory).
    const back = await tessera.dumpBuffer(key);
    assert.ok(back !== null);
    assert.equal(await client.restore(`${key}:back`, 0, back), 'OK');
    assert.deepEqual(await client.lrange(`${key}:back`, 0, -1), await client.lrange(key, 0, -1), `${key} back`);
  }
});

test('with list-compress-depth, Tessera DUMPs lists byte for byte as redis-server 7.0 (inner nodes LZF-compressed)', async (t) => {
  for (const depth of ['1', '3']) {
    for (const rdbcompression of ['yes', 'no']) {
      const redis = await startRedisServer(['--list-compress-depth', depth, '--rdbcompression', rdbcompression]);
      t.after(() => redis.stop());
      const node = await startTessera({ 'list-compress-depth': depth, rdbcompression });
      t.after(() => node.stop());
      const [redisClient, tesseraClient] = [await connectIoredis(t, redis.port), await connectIoredis(t, node.port)];
      await fillLists(redisClient);
      await fillLists(tesseraClient);
      for (const key of ['list:long', 'list:ints', 'list:plain', 'list:short']) {
        const expected = await redisClient.dumpBuffer(key);
        assert.ok(expected !== null);
        assert.deepEqual(await tesseraClient.dumpBuffer(key), expected, `${key}, depth ${depth}, rdbcompression ${rdbcompression}`);
      }
    }
  }
});
