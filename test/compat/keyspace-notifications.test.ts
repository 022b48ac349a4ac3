import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Redis } from 'ioredis';
import { connectIoredis } from '../support/clients.js';
import { startRedisServer } from '../support/redis-server-process.js';
import { startTessera } from '../support/tessera.js';

/**
 * Keyspace notifications, differential: each series of commands runs on a real redis-server
 * and on Tessera with notify-keyspace-events KEA, while a PSUBSCRIBE '__key*__:*'
 * client records every (channel, message); the two sequences must be equal. A PUBLISH on a
 * marker channel ends each series (pub/sub delivery keeps order on one connection).
 */
const series: Record<string, string[][]> = {
  strings: [
    ['set', 'k', 'v'], ['setrange', 'k', '3', 'xx'], ['append', 'k', 'yy'], ['append', 'k2', 'z'],
    ['incr', 'n'], ['incrby', 'n', '5'], ['decr', 'n'], ['decrby', 'n', '2'], ['incrbyfloat', 'f', '1.5'],
    ['setnx', 'k', 'a'], ['setnx', 'k3', 'a'], ['mset', 'a', '1', 'b', '2'], ['msetnx', 'c', '1', 'd', '2'],
    ['getset', 'k', 'v2'], ['getdel', 'k'], ['getdel', 'k'], ['setex', 'e', '100', 'v'], ['psetex', 'e2', '100000', 'v'],
    ['set', 'k', 'v', 'ex', '100'], ['set', 'k', 'v', 'keepttl'], ['getex', 'k', 'ex', '50'], ['getex', 'k', 'persist'],
    ['get', 'nokey'], ['mget', 'k', 'nokey'], ['strlen', 'nokey'], ['getrange', 'nokey', '0', '1'], ['getbit', 'nokey', '1'], ['bitcount', 'nokey'],
    ['set', 'k', 'v', 'nx'], ['set', 'k', 'v', 'xx', 'get'], ['setbit', 'bits', '7', '1'], ['setbit', 'bits', '7', '1'], ['bitfield', 'bits', 'set', 'u8', '0', '1'], ['bitop', 'or', 'bo', 'bits'], ['bitop', 'or', 'bo', 'nokey'], ['setrange', 'k', '0', ''],
  ],
  keys: [
    ['set', 'a', '1'], ['set', 'b', '2'], ['del', 'a', 'b', 'missing'], ['set', 'a', '1'], ['unlink', 'a'],
    ['set', 'a', '1'], ['rename', 'a', 'b'], ['renamenx', 'b', 'c'], ['set', 'd', '1'], ['renamenx', 'c', 'd'],
    ['expire', 'd', '100'], ['pexpire', 'd', '100000'], ['expireat', 'd', '99999999999'], ['persist', 'd'], ['persist', 'd'],
    ['expire', 'd', '0'], ['set', 'd', '1'], ['expire', 'd', '-1'], ['set', 'x', '1'], ['copy', 'x', 'y'], ['copy', 'x', 'y', 'replace'],
    ['move', 'x', '1'], ['select', '1'], ['move', 'x', '0'], ['del', 'x'], ['select', '0'],
    ['set', 'r', '1'], ['rename', 'r', 'r'],
  ],
  lists: [
    ['lpush', 'l', 'a', 'b'], ['rpush', 'l', 'c'], ['lpushx', 'l', 'd'], ['rpushx', 'nol', 'd'], ['linsert', 'l', 'before', 'a', 'z'],
    ['lset', 'l', '0', 'q'], ['lrem', 'l', '0', 'z'], ['ltrim', 'l', '0', '1'], ['lpop', 'l'], ['rpop', 'l'], ['lpop', 'l'],
    ['rpush', 'l', 'a', 'b', 'c'], ['lmove', 'l', 'm', 'left', 'right'], ['rpoplpush', 'l', 'm'], ['lmove', 'l', 'l', 'left', 'left'],
    ['lpop', 'l', '5'], ['ltrim', 'm', '5', '10'], ['rpush', 'l', 'a'], ['lmpop', '1', 'l', 'left', 'count', '2'],
    ['rpush', 'l', 'a'], ['blpop', 'l', '0'], ['rpush', 'l', 'a'], ['brpoplpush', 'l', 'm', '0'],
  ],
  // Lazy expiry: a key whose time has passed (PXAT 1) is found expired on its next access.
  expiry: [
    ['debug', 'set-active-expire', '0'], ['set', 'k', 'v', 'pxat', '1'], ['get', 'k'], ['set', 'k', 'v'], ['getex', 'k', 'pxat', '1'],
    ['rpush', 'l', 'a'], ['pexpireat', 'l', '1'], ['set', 'k', 'v', 'pxat', '1'], ['set', 'k', 'w'], ['set', 'k', 'v', 'pxat', '1'],
    ['exists', 'k'], ['mset', 'a', '1', 'b', '2'], ['pexpireat', 'a', '99999999999999'], ['set', 'b', 'v', 'pxat', '1'], ['mset', 'a', '1', 'b', '2'],
    ['sadd', 's', 'a'], ['set', 'd', 'v', 'pxat', '1'], ['sunionstore', 'd', 's'], ['set', 'd', 'v', 'pxat', '1'], ['bitop', 'or', 'd', 'a'],
    ['debug', 'set-active-expire', '1'],
  ],
  reads: [
    ['exists', 'nokey'], ['type', 'nokey'], ['ttl', 'nokey'], ['llen', 'nokey'], ['lrange', 'nokey', '0', '1'], ['hget', 'nokey', 'f'],
    ['hgetall', 'nokey'], ['scard', 'nokey'], ['smembers', 'nokey'], ['zscore', 'nokey', 'm'], ['zrange', 'nokey', '0', '1'], ['xlen', 'nokey'],
    ['xrange', 'nokey', '-', '+'], ['pfcount', 'nokey'], ['dump', 'nokey'], ['object', 'encoding', 'nokey'], ['touch', 'nokey'], ['sinter', 'nokey', 'other'],
    ['lpop', 'nokey'], ['incr', 'n'], ['get', 'n'],
  ],
  hashes: [
    ['hset', 'h', 'a', '1', 'b', '2'], ['hsetnx', 'h', 'a', '1'], ['hsetnx', 'h', 'c', '3'], ['hmset', 'h', 'd', '4'],
    ['hincrby', 'h', 'a', '2'], ['hincrbyfloat', 'h', 'b', '0.5'], ['hdel', 'h', 'a', 'zz'], ['hdel', 'h', 'zz'],
    ['hdel', 'h', 'b', 'c', 'd'],
  ],
  sets: [
    ['sadd', 's', 'a', 'b', 'c'], ['sadd', 's', 'a'], ['srem', 's', 'a'], ['srem', 's', 'zz'], ['smove', 's', 't', 'b'],
    ['smove', 's', 't', 'c'], ['sadd', 's', 'a', 'b'], ['spop', 's'], ['spop', 's', '5'], ['sadd', 's', 'a', 'b'],
    ['sinterstore', 'd', 's', 't'], ['sunionstore', 'd', 's', 't'], ['sdiffstore', 'd', 's', 't'], ['sinterstore', 'd', 's', 'nope'],
    ['sadd', 'x', '1'], ['srem', 'x', '1'],
  ],
  zsets: [
    ['zadd', 'z', '1', 'a', '2', 'b', '3', 'c'], ['zadd', 'z', 'incr', '1', 'a'], ['zincrby', 'z', '1', 'b'], ['zrem', 'z', 'a', 'zz'],
    ['zadd', 'z', '1', 'a', '5', 'e', '6', 'f'], ['zremrangebyscore', 'z', '5', '5'], ['zremrangebyrank', 'z', '0', '0'],
    ['zremrangebylex', 'z', '-', '+'], ['zadd', 'z', '1', 'a', '2', 'b'], ['zpopmin', 'z'], ['zpopmax', 'z'],
    ['zadd', 'z', '1', 'a', '2', 'b'], ['zadd', 'w', '1', 'a'], ['zunionstore', 'u', '2', 'z', 'w'], ['zinterstore', 'u', '2', 'z', 'w'],
    ['zdiffstore', 'u', '2', 'z', 'w'], ['zrangestore', 'r', 'z', '0', '-1'], ['zmpop', '1', 'z', 'min', 'count', '5'],
    ['zadd', 'z', '1', 'a'], ['zadd', 'z', 'nx', '2', 'a'], ['zadd', 'z', 'gt', '0', 'a'], ['zadd', 'z', '1', 'a'], ['bzpopmax', 'z', '0'],
    ['zadd', 'z', '1', 'a'], ['zrangestore', 'r', 'z', '5', '10'], ['zunionstore', 'r', '1', 'nokey'],
  ],
  hyperloglog: [['pfadd', 'h', 'a'], ['pfadd', 'h', 'a'], ['pfadd', 'h2'], ['pfcount', 'h'], ['pfmerge', 'h3', 'h', 'h2']],
  geo: [
    ['geoadd', 'g', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
    ['georadius', 'g', '15', '37', '200', 'km', 'store', 'r'], ['georadiusbymember', 'g', 'Palermo', '1', 'km', 'store', 'r'],
    ['geosearchstore', 'r', 'g', 'fromlonlat', '15', '37', 'byradius', '200', 'km'], ['geosearchstore', 'r', 'nokey', 'fromlonlat', '15', '37', 'byradius', '200', 'km'],
  ],
  // Conditions that write nothing publish nothing; SWAPDB and FLUSH* publish nothing in 7.0.
  edges: [
    ['set', 'a', '1'], ['copy', 'a', 'b', 'db', '1'], ['expire', 'a', '100', 'nx'], ['expire', 'a', '100', 'nx'], ['expire', 'a', '50', 'gt'],
    ['getex', 'a', 'persist'], ['getex', 'a', 'persist'], ['set', 'a', '1', 'get'], ['setex', 'a', '0', 'v'], ['hset', 'h', 'f', '1'],
    ['hincrbyfloat', 'h', 'f', 'x'], ['hincrby', 'h', 'nof', '1'], ['lpush', 'l', 'a'], ['lset', 'l', '5', 'x'], ['linsert', 'l', 'after', 'zz', 'y'],
    ['lrem', 'l', '1', 'zz'], ['ltrim', 'l', '0', '-1'], ['zadd', 'z', 'xx', '1', 'a'], ['zadd', 'z', 'ch', '1', 'a'], ['zadd', 'z', '1', 'a'],
    ['zincrby', 'z', '0', 'a'], ['zadd', 'z', 'incr', 'nx', '1', 'a'], ['zrem', 'z', 'zz'], ['zremrangebyscore', 'z', '5', '6'], ['smove', 'nos', 'd', 'a'],
    ['sadd', 's', '1'], ['smove', 's', 's', '1'], ['spop', 's', '0'], ['srem', 's', '1'], ['pfadd', 'p'],
    ['pfadd', 'p'], ['setrange', 'nk', '0', ''], ['append', 'nk', ''], ['incrbyfloat', 'f', '0'], ['mset', 'a', '1', 'a', '2'],
    ['xadd', 'x', 'nomkstream', '*', 'f', 'v'], ['xgroup', 'create', 'nox', 'g', '$'], ['xtrim', 'x', 'maxlen', '0'], ['del', 'a', 'a'], ['rename', 'a', 'a'],
    ['renamenx', 'h', 'l'], ['swapdb', '0', '1'], ['flushdb'], ['set', 'k', 'v'], ['flushall'],
  ],
  streams: [
    ['xadd', 'x', '1-0', 'f', 'v'], ['xadd', 'x', '2-0', 'f', 'v'], ['xdel', 'x', '1-0'], ['xtrim', 'x', 'maxlen', '0'],
    ['xgroup', 'create', 'x', 'g', '$'], ['xgroup', 'createconsumer', 'x', 'g', 'c'], ['xgroup', 'setid', 'x', 'g', '0'],
    ['xgroup', 'delconsumer', 'x', 'g', 'c'], ['xgroup', 'delconsumer', 'x', 'g', 'nobody'], ['xgroup', 'createconsumer', 'x', 'g', 'c'],
    ['xadd', 'x', '3-0', 'f', 'v'], ['xreadgroup', 'group', 'g', 'c2', 'streams', 'x', '>'], ['xclaim', 'x', 'g', 'c3', '0', '3-0'],
    ['xautoclaim', 'x', 'g', 'c4', '0', '0'], ['xack', 'x', 'g', '3-0'], ['xadd', 'x', 'maxlen', '1', '4-0', 'f', 'v'],
    ['xadd', 'x', 'maxlen', '5', '5-0', 'f', 'v'], ['xdel', 'x', '9-9'], ['xtrim', 'x', 'maxlen', '5'],
    ['xgroup', 'destroy', 'x', 'g'], ['xgroup', 'destroy', 'x', 'g'], ['xsetid', 'x', '9-0'], ['xgroup', 'create', 'y', 'g', '$', 'mkstream'],
  ],
};

async function record(t: TestContext, port: number, commands: string[][], flags: string): Promise<string[]> {
  const sub = await connectIoredis(t, port);
  const client = await connectIoredis(t, port);
  await client.call('flushall');
  await client.call('config', 'set', 'notify-keyspace-events', flags);
  const seen: string[] = [];
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  sub.on('pmessage', (_pattern: string, channel: string, message: string) => {
    if (channel === 'end-of-series') done();
    else seen.push(`${channel} ${message}`);
  });
  await sub.psubscribe('__key*__:*', 'end-of-series');
  for (const argv of commands) {
    const [name, ...args] = argv as [string, ...string[]];
    await client.call(name, ...args).catch(() => undefined);
  }
  await client.publish('end-of-series', 'x');
  await finished;
  await client.call('config', 'set', 'notify-keyspace-events', '');
  return seen;
}

test('keyspace notifications equal real redis-server for each series', async (t) => {
  const redis = await startRedisServer(['--enable-debug-command', 'local']);
  t.after(() => redis.stop());
  const node = await startTessera({ 'enable-debug-command': 'local' });
  t.after(() => node.stop());
  for (const [name, commands] of Object.entries(series)) {
    await t.test(name, async (st) => {
      const expected = await record(st, redis.port, commands, 'KEA');
      const actual = await record(st, node.port, commands, 'KEA');
      assert.ok(expected.length > 0);
      assert.deepEqual(actual, expected);
    });
  }
  // Each class alone, on one side or the other (K or E): every event lands in its class.
  const everything = Object.values(series).flat();
  for (const flags of ['K$', 'Eg', 'Kl', 'Es', 'Kh', 'Ez', 'Kt', 'KEx', 'KEe', 'E$lshzt', 'KEm']) {
    await t.test(`only classes ${flags}`, async (st) => {
      const expected = await record(st, redis.port, everything, flags);
      const actual = await record(st, node.port, everything, flags);
      assert.deepEqual(actual, expected);
    });
  }
  // 'new' (class n, not part of A): with classes listed one by one, since Tessera stores the
  // directive's normalised text and 'A' hides 'n' there.
  await t.test('new keys (class n)', async (st) => {
    const commands = [...(series['strings'] ?? []), ...(series['keys'] ?? []), ...(series['lists'] ?? [])];
    const expected = await record(st, redis.port, commands, 'KEg$ln');
    const actual = await record(st, node.port, commands, 'KEg$ln');
    assert.deepEqual(actual, expected);
  });
});

/** Waits (bounded) until the server reports a blocked client. */
async function untilBlocked(client: Redis): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const info = String(await client.call('info', 'clients'));
    if (/blocked_clients:[1-9]/.test(info)) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('no client blocked within 1 s');
}

/** A blocked BLPOP / BLMOVE / BZPOPMIN served by a later write: the pop's events follow the push's. */
async function recordBlocked(t: TestContext, port: number): Promise<string[]> {
  const sub = await connectIoredis(t, port);
  const client = await connectIoredis(t, port);
  const blocked = await connectIoredis(t, port);
  await client.call('flushall');
  await client.call('config', 'set', 'notify-keyspace-events', 'KEA');
  const seen: string[] = [];
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  sub.on('pmessage', (_pattern: string, channel: string, message: string) => {
    if (channel === 'end-of-series') done();
    else seen.push(`${channel} ${message}`);
  });
  await sub.psubscribe('__key*__:*', 'end-of-series');
  const steps: Array<[string[], string[]]> = [
    [['blpop', 'l', '0'], ['rpush', 'l', 'a', 'b']],
    [['blmove', 'm', 'n', 'left', 'right', '0'], ['lpush', 'm', 'x']],
    [['bzpopmin', 'z', '0'], ['zadd', 'z', '1', 'a']],
  ];
  for (const [wait, write] of steps) {
    const [waitName, ...waitArgs] = wait as [string, ...string[]];
    const served = blocked.call(waitName, ...waitArgs);
    await untilBlocked(client);
    const [writeName, ...writeArgs] = write as [string, ...string[]];
    await client.call(writeName, ...writeArgs);
    await served;
  }
  await client.publish('end-of-series', 'x');
  await finished;
  await client.call('config', 'set', 'notify-keyspace-events', '');
  return seen;
}

test('keyspace notifications of blocked clients served by a write equal real redis-server', async (t) => {
  const redis = await startRedisServer();
  t.after(() => redis.stop());
  const node = await startTessera();
  t.after(() => node.stop());
  const expected = await recordBlocked(t, redis.port);
  const actual = await recordBlocked(t, node.port);
  assert.ok(expected.includes('__keyspace@0__:l lpop') && expected.includes('__keyevent@0__:zpopmin z'), 'redis-server published the pops');
  assert.deepEqual(actual, expected);
});
