import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectIoredis } from '../support/clients.js';
import { startTessera, recordPropagation } from '../support/tessera.js';

test('ioredis: DUMP and RESTORE copy every type between keys, binary safe', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  await client.set('s', Buffer.from([0, 0xff, 0x0d, 0x0a]));
  await client.rpush('l', 'a', 'b', '3');
  await client.sadd('st', '1', '2', 'x');
  await client.hset('h', 'f', 'v');
  await client.zadd('z', 1, 'a', 2.5, 'b');
  await client.xadd('x', '1-1', 'f', 'v');
  for (const key of ['s', 'l', 'st', 'h', 'z', 'x']) {
    const payload = await client.dumpBuffer(key);
    assert.ok(payload !== null);
    assert.equal(await client.restore(`${key}:copy`, 0, payload), 'OK');
    assert.deepEqual(await client.dumpBuffer(`${key}:copy`), payload, key);
  }
  assert.deepEqual(await client.getBuffer('s:copy'), Buffer.from([0, 0xff, 0x0d, 0x0a]));
  assert.deepEqual(await client.zrange('z:copy', 0, -1, 'WITHSCORES'), ['a', '1', 'b', '2.5']);
  assert.equal(await client.dumpBuffer('nokey'), null);
});

test('RESTORE propagates a relative TTL as an absolute one with ABSTTL, and a TTL in the past as DEL', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  const propagated = recordPropagation(node);
  await client.set('src', 'value');
  const payload = (await client.dumpBuffer('src')) as Buffer;
  propagated.length = 0;

  const before = Date.now();
  await client.restore('rel', 100000, payload);
  const [rel] = propagated.splice(0);
  assert.ok(rel !== undefined);
  assert.equal(rel[0]?.toUpperCase(), 'RESTORE');
  const abs = Number(rel[2]);
  assert.ok(abs >= before + 100000 && abs <= Date.now() + 100000, `absolute TTL ${abs}`);
  assert.equal(rel.at(-1), 'ABSTTL');
  assert.equal(await client.pexpiretime('rel'), abs);

  await client.restore('abs', 4102444800000, payload, 'ABSTTL');
  assert.deepEqual(propagated.splice(0).map((argv) => argv.slice(4)), [['ABSTTL']]);

  await client.restore('gone', 1, payload, 'ABSTTL');
  assert.deepEqual(propagated.splice(0), [], 'nothing was there: nothing to propagate');
  assert.equal(await client.exists('gone'), 0);

  await client.set('replaced', 'x');
  propagated.length = 0;
  await client.call('RESTORE', 'replaced', '1', payload, 'ABSTTL', 'REPLACE');
  assert.deepEqual(propagated.splice(0), [['DEL', 'replaced']]);
  assert.equal(await client.exists('replaced'), 0);
});

test('RESTORE IDLETIME sets the LRU idle time, FREQ the LFU counter under an LFU policy', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  await client.set('src', 'value');
  const payload = (await client.dumpBuffer('src')) as Buffer;
  await client.restore('idle', 0, payload, 'IDLETIME', 1000);
  const idle = Number(await client.object('IDLETIME', 'idle'));
  assert.ok(idle >= 1000 && idle <= 1001, `idle ${idle}`);
  await client.config('SET', 'maxmemory-policy', 'allkeys-lfu');
  await client.restore('freq', 0, payload, 'FREQ', 100);
  assert.equal(await client.object('FREQ', 'freq'), 100);
});
