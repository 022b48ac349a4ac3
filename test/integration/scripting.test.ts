import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connectIoredis } from '../support/clients.js';
import { startTessera } from '../support/tessera.js';

test('ioredis eval: KEYS, ARGV, redis.call, and reply conversions', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  assert.equal(await client.eval("return redis.call('set', KEYS[1], ARGV[1])", 1, 'k', 'v'), 'OK');
  assert.equal(await client.get('k'), 'v');
  assert.deepEqual(await client.eval('return {KEYS[1], ARGV[1], ARGV[2]}', 1, 'a', 'b', 'c'), ['a', 'b', 'c']);
  assert.equal(await client.eval('return 3.99', 0), 3);
  assert.equal(await client.eval('return true', 0), 1);
  assert.equal(await client.eval('return false', 0), null);
  assert.deepEqual(await client.eval('return {1, 2, nil, 3}', 0), [1, 2]);
  assert.equal(await client.eval("return redis.call('incr', 'n') + 10", 0), 11);
  await assert.rejects(client.eval("return redis.call('incr', KEYS[1])", 1, 'k'), /ERR value is not an integer or out of range script: [0-9a-f]{40}, on @user_script:1\./);
  assert.equal(await client.eval("local r = redis.pcall('incr', KEYS[1]) return r['err']", 1, 'k'), 'ERR value is not an integer or out of range');
});

test('binary safety: bytes go through scripts unchanged', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  const bytes = Buffer.from([0, 1, 0x7f, 0x80, 0xc3, 0xff, 0x0d, 0x0a]);
  await client.eval("return redis.call('set', KEYS[1], ARGV[1])", 1, 'bin', bytes);
  assert.deepEqual(await client.getBuffer('bin'), bytes);
  assert.deepEqual(await client.callBuffer('EVAL', "return redis.call('get', KEYS[1])", '1', 'bin'), bytes);
  assert.equal(await client.eval('return string.len(ARGV[1])', 0, bytes), bytes.length);
});

test('evalsha: NOSCRIPT until loaded; SCRIPT LOAD/EXISTS/FLUSH', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  const body = "return 'from cache'";
  const sha = createHash('sha1').update(body).digest('hex');
  await assert.rejects(client.evalsha(sha, 0), /^ReplyError: NOSCRIPT No matching script\. Please use EVAL\./);
  assert.equal(await client.script('LOAD', body), sha);
  assert.deepEqual(await client.script('EXISTS', sha, sha.toUpperCase(), '0'.repeat(40)), [1, 1, 0]);
  assert.equal(await client.evalsha(sha, 0), 'from cache');
  assert.equal(await client.evalsha(sha.toUpperCase(), 0), 'from cache');
  assert.equal(await client.script('FLUSH'), 'OK');
  assert.deepEqual(await client.script('EXISTS', sha), [0]);
  await assert.rejects(client.script('KILL'), /NOTBUSY No scripts in execution right now\./);
});

test('ioredis defineCommand: evalsha with fallback to eval', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  client.defineCommand('addTwice', {
    numberOfKeys: 1,
    lua: "redis.call('incrby', KEYS[1], ARGV[1]) return redis.call('incrby', KEYS[1], ARGV[1])",
  });
  const custom = client as unknown as { addTwice(key: string, by: number): Promise<number> };
  assert.equal(await custom.addTwice('counter', 5), 10);
  assert.equal(await custom.addTwice('counter', 1), 12);
});

test('eval_ro refuses writes; scripts refuse noscript commands; SELECT stays in the script', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  await assert.rejects(client.call('EVAL_RO', "return redis.call('set', 'a', 'b')", '0'), /Write commands are not allowed from read-only scripts/);
  await assert.rejects(client.eval("return redis.call('blpop', 'list', 0)", 0), /This Redis command is not allowed from script/);
  assert.equal(await client.eval("redis.call('select', 3) return redis.call('set', 'in3', 'x')", 0), 'OK');
  assert.equal(await client.get('in3'), null);
  await client.select(3);
  assert.equal(await client.get('in3'), 'x');
});

test('scripts are atomic inside MULTI and their writes wake WATCH', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const watcher = await connectIoredis(t, node.port);
  const other = await connectIoredis(t, node.port);
  await watcher.watch('w');
  await other.eval("return redis.call('set', 'w', '1')", 0);
  assert.equal(await watcher.multi().set('w', '2').exec(), null);
  const results = await other.multi().eval("return redis.call('incr', 'c')", 0).eval("return redis.call('incr', 'c')", 0).exec();
  assert.deepEqual(results, [[null, 1], [null, 2]]);
});

test('errorstats: a redis.call error is counted once, by the command that failed', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  await client.set('str', 'abc');
  await client.config('RESETSTAT');
  await assert.rejects(client.eval("return redis.call('incr', 'str')", 0));
  await assert.rejects(client.eval("error('x')", 0));
  const info = await client.info('errorstats');
  assert.match(info, /errorstat_ERR:count=2\r\n/);
});
