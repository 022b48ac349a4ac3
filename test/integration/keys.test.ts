import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectIoredis, connectNodeRedis, rawClient } from '../support/clients.js';
import { replyToPlain } from '../support/raw-client.js';
import { startTessera } from '../support/tessera.js';

async function startNode(t: import('node:test').TestContext, directives: Record<string, string> = {}) {
  const node = await startTessera(directives);
  t.after(() => node.stop());
  return node;
}

test('DEL, UNLINK, EXISTS and TYPE through ioredis', async (t) => {
  const node = await startNode(t);
  const redis = await connectIoredis(t, node.port);
  await redis.set('a', '1');
  await redis.set('b', '2');
  await redis.set('c', '3');
  assert.equal(await redis.exists('a', 'a', 'b', 'missing'), 3);
  assert.equal(await redis.type('a'), 'string');
  assert.equal(await redis.type('missing'), 'none');
  assert.equal(await redis.del('a', 'a', 'missing'), 1);
  assert.equal(await redis.unlink('b', 'c'), 2);
  assert.equal(await redis.dbsize(), 0);
  await assert.rejects(redis.call('del'), /ERR wrong number of arguments for 'del' command/);
});

test('TYPE answers a simple string; OBJECT HELP simple strings; OBJECT of a missing key is null', async (t) => {
  const node = await startNode(t);
  const raw = await rawClient(t, node.port);
  await raw.call('SET', 'k', 'v');
  assert.deepEqual(replyToPlain(await raw.call('TYPE', 'k')), { simple: 'string' });
  assert.deepEqual(replyToPlain(await raw.call('TYPE', 'nokey')), { simple: 'none' });
  const help = await raw.call('OBJECT', 'HELP');
  assert.equal(help.type, 'array');
  if (help.type === 'array') {
    assert.ok(help.value.every((line) => line.type === 'simple'));
    assert.deepEqual(help.value[0], { type: 'simple', value: 'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:' });
  }
  assert.deepEqual(await raw.call('OBJECT', 'ENCODING', 'nokey'), { type: 'null' });
  await raw.call('HELLO', '3');
  assert.deepEqual(await raw.call('OBJECT', 'ENCODING', 'nokey'), { type: 'null' });
  assert.deepEqual(await raw.call('RANDOMKEY'), { type: 'bulk', value: 'k' });
});

test('RENAME and RENAMENX move the value and its TTL', async (t) => {
  const node = await startNode(t);
  const redis = await connectIoredis(t, node.port);
  await assert.rejects(redis.rename('missing', 'x'), /^ReplyError: ERR no such key$/);
  await assert.rejects(redis.renamenx('missing', 'x'), /ERR no such key/);
  await redis.set('a', 'va');
  await redis.expire('a', 100);
  assert.equal(await redis.rename('a', 'a'), 'OK');
  assert.equal(await redis.renamenx('a', 'a'), 0);
  assert.equal(await redis.rename('a', 'b'), 'OK');
  assert.equal(await redis.exists('a'), 0);
  assert.equal(await redis.get('b'), 'va');
  assert.equal(await redis.ttl('b'), 100);
  await redis.set('c', 'vc');
  assert.equal(await redis.renamenx('b', 'c'), 0);
  assert.equal(await redis.rename('b', 'c'), 'OK');
  assert.equal(await redis.get('c'), 'va');
  assert.equal(await redis.ttl('c'), 100);
  assert.equal(await redis.renamenx('c', 'd'), 1);
});

test('COPY within and across databases, REPLACE, TTL kept; errors as Redis', async (t) => {
  const node = await startNode(t);
  const redis = await connectIoredis(t, node.port);
  await redis.set('src', 'v');
  await redis.expire('src', 50);
  assert.equal(await redis.copy('src', 'dst'), 1);
  assert.equal(await redis.ttl('dst'), 50);
  assert.equal(await redis.copy('src', 'dst'), 0);
  await redis.set('src', 'new');
  assert.equal(await redis.copy('src', 'dst', 'REPLACE'), 1);
  assert.equal(await redis.get('dst'), 'new');
  assert.equal(await redis.ttl('dst'), -1);
  assert.equal(await redis.copy('src', 'other', 'DB', 3), 1);
  assert.equal(await redis.copy('missing', 'x'), 0);
  await assert.rejects(redis.copy('src', 'src'), /ERR source and destination objects are the same/);
  await assert.rejects(redis.copy('src', 'x', 'DB', 16), /ERR DB index is out of range/);
  await assert.rejects(redis.copy('src', 'x', 'DB', 'abc'), /ERR value is not an integer or out of range/);
  await assert.rejects(redis.call('COPY', 'src', 'x', 'BAD'), /ERR syntax error/);
  await redis.select(3);
  assert.equal(await redis.get('other'), 'new');
});

test('COPY of an in-place edited string is independent of the source', async (t) => {
  const node = await startNode(t);
  const redis = await connectIoredis(t, node.port);
  await redis.set('s', 'abc');
  // Emulate an in-place string (APPEND/SETRANGE store RawString) directly in the keyspace.
  const { RawString } = await import('../../src/keyspace/stored-value.js');
  node.server.keyspace.db(0).set('raw', new RawString('hello', 16));
  assert.equal(await redis.copy('raw', 'raw2'), 1);
  const original = node.server.keyspace.db(0).peek('raw') as InstanceType<typeof RawString>;
  original.append('!!');
  assert.equal(await redis.get('raw2'), 'hello');
  assert.equal(await redis.object('ENCODING', 'raw2'), 'raw');
});

test('MOVE and SWAPDB between databases', async (t) => {
  const node = await startNode(t);
  const redis = await connectIoredis(t, node.port);
  await redis.set('m', 'v');
  await redis.expire('m', 100);
  await assert.rejects(redis.move('m', 0), /ERR source and destination objects are the same/);
  await assert.rejects(redis.move('m', 16), /ERR DB index is out of range/);
  await assert.rejects(redis.move('m', 2147483648), /ERR value is out of range, value must between -2147483648 and 2147483647/);
  assert.equal(await redis.move('missing', 1), 0);
  assert.equal(await redis.move('m', 1), 1);
  assert.equal(await redis.exists('m'), 0);
  await redis.set('m', 'again');
  assert.equal(await redis.move('m', 1), 0, 'target exists');
  assert.equal(await redis.swapdb(0, 1), 'OK');
  assert.equal(await redis.get('m'), 'v', 'the client still sees its db index, now with db 1 contents');
  assert.equal(await redis.ttl('m'), 100);
  await assert.rejects(redis.swapdb('x', 1), /ERR invalid first DB index/);
  await assert.rejects(redis.swapdb(1, 'x'), /ERR invalid second DB index/);
  await assert.rejects(redis.swapdb(0, 16), /ERR DB index is out of range/);
  assert.equal(await redis.swapdb(2, 2), 'OK');
});

test('FLUSHDB and FLUSHALL with SYNC/ASYNC through node-redis', async (t) => {
  const node = await startNode(t);
  const client = await connectNodeRedis(t, node.port);
  await client.set('a', '1');
  await client.select(1);
  await client.set('b', '1');
  assert.equal(await client.flushDb('ASYNC' as never), 'OK');
  assert.equal(await client.dbSize(), 0);
  await client.select(0);
  assert.equal(await client.dbSize(), 1);
  await client.select(2);
  await client.set('c', '1');
  assert.equal(await client.flushAll('SYNC' as never), 'OK');
  assert.equal(node.server.keyspace.totalKeys(), 0);
  await assert.rejects(client.sendCommand(['FLUSHALL', 'LATER']), /ERR syntax error/);
});

test('KEYS with patterns, RANDOMKEY, TOUCH', async (t) => {
  const node = await startNode(t);
  const redis = await connectIoredis(t, node.port);
  for (const key of ['user:1', 'user:2', 'user:10', 'admin', '']) await redis.set(key, 'x');
  assert.deepEqual((await redis.keys('user:?')).sort(), ['user:1', 'user:2']);
  assert.deepEqual((await redis.keys('user:*')).sort(), ['user:1', 'user:10', 'user:2']);
  assert.deepEqual((await redis.keys('*')).sort(), ['', 'admin', 'user:1', 'user:10', 'user:2']);
  assert.deepEqual((await redis.keys('[a-b]*')).sort(), ['admin']);
  assert.equal(await redis.touch('admin', 'missing', 'admin'), 2);
  const random = await redis.randomkey();
  assert.ok(['user:1', 'user:2', 'user:10', 'admin', ''].includes(random as string));
  await redis.flushdb();
  assert.equal(await redis.randomkey(), null);
});

test('OBJECT ENCODING, REFCOUNT, IDLETIME, FREQ', async (t) => {
  const node = await startNode(t);
  const redis = await connectIoredis(t, node.port);
  await redis.set('small', '42');
  await redis.set('big', '123456');
  await redis.set('text', 'hello');
  await redis.set('long', 'x'.repeat(45));
  assert.equal(await redis.object('ENCODING', 'small'), 'int');
  assert.equal(await redis.object('ENCODING', 'text'), 'embstr');
  assert.equal(await redis.object('ENCODING', 'long'), 'raw');
  assert.equal(await redis.object('REFCOUNT', 'small'), 2147483647);
  assert.equal(await redis.object('REFCOUNT', 'big'), 1);
  assert.equal(await redis.object('REFCOUNT', 'text'), 1);
  // The access clock has a resolution of one second, so a second may tick between commands.
  const idleAtMost = async (key: string, low: number, high: number) => {
    const idle = (await redis.object('IDLETIME', key)) as number;
    assert.ok(idle >= low && idle <= high, `idle ${idle} in [${low}, ${high}]`);
  };
  await idleAtMost('text', 0, 1);
  await assert.rejects(redis.object('FREQ', 'text'), /ERR An LFU maxmemory policy is not selected, access frequency not tracked/);
  assert.equal(await redis.object('FREQ', 'missing'), null);
  await assert.rejects(redis.call('OBJECT', 'NOPE', 'text'), /ERR unknown subcommand 'NOPE'. Try OBJECT HELP./);
  // IDLETIME follows the access clock: push the key's stamp 30 s into the past.
  const db = node.server.keyspace.db(0);
  db.setAccessClock('text', (db.accessClockOf('text') as number) - 30);
  await idleAtMost('text', 30, 31);
  assert.equal(await redis.type('text'), 'string');
  await idleAtMost('text', 30, 31); // TYPE does not touch the key
  await redis.get('text');
  await idleAtMost('text', 0, 1); // GET does
});

test('writes propagate as Redis does: EXPIRE as PEXPIREAT, expired EXPIRE as DEL', async (t) => {
  const node = await startNode(t);
  const propagated: string[][] = [];
  const server = node.server as unknown as { propagate: (db: number, argv: readonly string[], changes: number) => void };
  server.propagate = (_db, argv) => void propagated.push([...argv]);
  const redis = await connectIoredis(t, node.port);
  await redis.set('k', 'v');
  const before = Date.now();
  await redis.expire('k', 100, 'NX');
  const after = Date.now();
  const [name, key, when, flag] = propagated.at(-1) as string[];
  assert.equal(name, 'PEXPIREAT');
  assert.equal(key, 'k');
  assert.equal(flag, 'NX');
  assert.ok(Number(when) >= before + 100_000 && Number(when) <= after + 100_000);
  await redis.pexpireat('k', 4102444800000);
  assert.deepEqual(propagated.at(-1), ['pexpireat', 'k', '4102444800000']);
  await redis.expire('k', -1);
  assert.deepEqual(propagated.at(-1), ['DEL', 'k']);
  const count = propagated.length;
  await redis.expire('k', 10);
  await redis.del('missing');
  await redis.rename('nokey', 'x').catch(() => undefined);
  assert.equal(propagated.length, count, 'commands that changed nothing do not propagate');
});

test('OBJECT FREQ counts accesses under an LFU policy; IDLETIME is then refused', async (t) => {
  let node;
  try {
    node = await startTessera({ 'maxmemory-policy': 'allkeys-lfu' });
  } catch {
    t.skip('maxmemory-policy is not a directive in this build yet');
    return;
  }
  const started = node;
  t.after(() => started.stop());
  const redis = await connectIoredis(t, node.port);
  await redis.set('k', 'v');
  assert.equal(await redis.object('FREQ', 'k'), 5, 'new keys start at LFU_INIT_VAL');
  await redis.get('k');
  assert.equal(await redis.object('FREQ', 'k'), 6, 'the first access always counts');
  await assert.rejects(redis.object('IDLETIME', 'k'), /ERR An LFU maxmemory policy is selected, idle time not tracked/);
  await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
  await assert.rejects(redis.object('FREQ', 'k'), /ERR An LFU maxmemory policy is not selected/);
});
