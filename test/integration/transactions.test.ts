import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectIoredis, connectNodeRedis } from '../support/clients.js';
import { startTessera } from '../support/tessera.js';

test('ioredis multi/exec: queued replies, runtime errors do not roll back', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  await client.set('text', 'abc');
  const results = await client.multi().set('a', '1').incr('a').incr('text').get('a').exec();
  assert.ok(results !== null);
  assert.deepEqual(results[0], [null, 'OK']);
  assert.deepEqual(results[1], [null, 2]);
  assert.match(String(results[2]?.[0]), /not an integer/);
  assert.deepEqual(results[3], [null, '2']);
});

test('WATCH: a write by another client makes EXEC return null; an untouched WATCH succeeds', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const watcher = await connectIoredis(t, node.port);
  const other = await connectIoredis(t, node.port);
  await watcher.set('balance', '10');
  await watcher.watch('balance');
  await other.set('balance', '99');
  const aborted = await watcher.multi().set('balance', '11').exec();
  assert.equal(aborted, null);
  assert.equal(await watcher.get('balance'), '99');

  await watcher.watch('balance');
  await other.set('unrelated', 'x');
  const done = await watcher.multi().incr('balance').exec();
  assert.deepEqual(done, [[null, 100]]);
});

test('WATCH is touched by expiry and by FLUSHALL from another client', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const watcher = await connectNodeRedis(t, node.port);
  const other = await connectNodeRedis(t, node.port);
  await watcher.set('k', 'v');
  await watcher.watch('k');
  await other.flushAll();
  await assert.rejects(watcher.multi().set('k', 'w').exec(), /WatchError|watched keys has been changed/i);

  await watcher.set('short', 'v', { PX: 30 });
  await watcher.watch('short');
  // Wait until the key is gone for another client (bounded), then EXEC must fail.
  const deadline = Date.now() + 2000;
  while ((await other.exists('short')) === 1) {
    assert.ok(Date.now() < deadline, 'key expired within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await assert.rejects(watcher.multi().set('short', 'again').exec(), /WatchError|watched keys has been changed/i);
});

test('EXEC runs atomically: another client sees all of it or none of it', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const writer = await connectIoredis(t, node.port);
  const reader = await connectIoredis(t, node.port);
  const reads: Array<Promise<(string | null)[]>> = [];
  for (let round = 0; round < 50; round++) {
    void writer.multi().set('x', String(round)).set('y', String(round)).exec();
    reads.push(reader.mget('x', 'y'));
  }
  for (const [x, y] of await Promise.all(reads)) assert.equal(x, y);
});

test('RESET and disconnect forget MULTI and WATCH', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  await client.watch('k');
  await client.call('MULTI');
  assert.equal(await client.call('RESET'), 'RESET');
  assert.equal(await client.set('k', 'v'), 'OK'); // executed, not queued
  await assert.rejects(client.call('EXEC'), /EXEC without MULTI/);
  const watchers = node.server.watches.watchingClients;
  const second = await connectIoredis(t, node.port);
  await second.watch('k');
  assert.equal(node.server.watches.watchingClients, watchers + 1);
  second.disconnect();
  const deadline = Date.now() + 2000;
  while (node.server.watches.watchingClients !== watchers) {
    assert.ok(Date.now() < deadline, 'watch forgotten after disconnect');
    await new Promise((resolve) => setImmediate(resolve));
  }
});
