import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectIoredis, rawClient } from '../support/clients.js';
import { startTessera } from '../support/tessera.js';
import { listFiles, readAofCommands, readLastIncr, readManifest, startTesseraLoaded, tempDir } from '../support/aof-files.js';
import { AofFatalError } from '../../src/persistence/aof/append-only-file.js';

async function startNode(t: TestContext, dir: string, directives: Record<string, string> = {}) {
  const node = await startTesseraLoaded({ dir, appendonly: 'yes', 'enable-debug-command': 'yes', ...directives });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await node.stop();
  };
  t.after(stop);
  return { ...node, stop };
}

/** Waits for the end of the current turn: the AOF is written before replies, so a reply is enough. */
const aofDir = (dir: string) => join(dir, 'appendonlydir');

async function pollUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('starting with appendonly yes creates a base, an incr file and the manifest, like Redis 7.0', async (t) => {
  const dir = tempDir(t, 'aof-start');
  await startNode(t, dir, { 'aof-use-rdb-preamble': 'no' });
  assert.deepEqual(listFiles(aofDir(dir)), ['appendonly.aof.1.base.aof', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
  assert.equal(readFileSync(join(aofDir(dir), 'appendonly.aof.manifest'), 'latin1'), 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
});

test('writes reach the incr file as RESP with SELECT on database changes, before the reply', async (t) => {
  const dir = tempDir(t, 'aof-feed');
  const node = await startNode(t, dir);
  const redis = await connectIoredis(t, node.port);
  await redis.set('a', '1');
  await redis.incr('a');
  await redis.get('a');
  await redis.select(3);
  await redis.set('b', 'x\r\n\x00y');
  await redis.expire('b', 100);
  // Each reply arrived after its command's write: the file already holds them.
  const commands = readLastIncr(aofDir(dir));
  assert.deepEqual(commands.slice(0, 5), [['SELECT', '0'], ['set', 'a', '1'], ['incr', 'a'], ['SELECT', '3'], ['set', 'b', 'x\r\n\x00y']]);
  assert.equal(commands[5]?.[0], 'PEXPIREAT');
  assert.equal(commands.length, 6);
});

test('EXEC and scripts with several writes are wrapped in MULTI/EXEC; a single write is not (Redis 7.0)', async (t) => {
  const dir = tempDir(t, 'aof-multi');
  const node = await startNode(t, dir);
  const redis = await connectIoredis(t, node.port);
  await redis.multi().set('one', '1').get('one').exec();
  await redis.multi().set('x', '1').select(5).set('y', '2').exec();
  await redis.select(0);
  await redis.eval("redis.call('set','s1','1'); redis.call('set','s2','2')", 0);
  await redis.eval("return redis.call('get','s1')", 0);
  assert.deepEqual(readLastIncr(aofDir(dir)), [
    ['SELECT', '0'],
    ['set', 'one', '1'],
    ['MULTI'],
    ['set', 'x', '1'],
    ['SELECT', '5'],
    ['set', 'y', '2'],
    ['EXEC'],
    ['SELECT', '0'],
    ['MULTI'],
    ['set', 's1', '1'],
    ['set', 's2', '2'],
    ['EXEC'],
  ]);
});

test('lazy expiry propagates DEL, wrapped with the write that found the key expired (Redis 7.0)', async (t) => {
  const dir = tempDir(t, 'aof-lazy');
  const node = await startNode(t, dir);
  const redis = await connectIoredis(t, node.port);
  await redis.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  await redis.set('lazy', 'v', 'PX', 20);
  await redis.set('lazy2', 'v', 'PX', 20);
  await new Promise((resolve) => setTimeout(resolve, 40));
  await redis.set('lazy', 'v2');
  assert.equal(await redis.get('lazy2'), null);
  const commands = readLastIncr(aofDir(dir)).slice(3);
  assert.deepEqual(commands, [['MULTI'], ['DEL', 'lazy'], ['set', 'lazy', 'v2'], ['EXEC'], ['DEL', 'lazy2']]);
});

test('active expiry propagates one DEL per key, or UNLINK with lazyfree-lazy-expire yes', async (t) => {
  const dir = tempDir(t, 'aof-active');
  const node = await startNode(t, dir, { hz: '100', 'lazyfree-lazy-expire': 'yes' });
  const redis = await connectIoredis(t, node.port);
  await redis.set('gone1', 'v', 'PX', 10);
  await redis.set('gone2', 'v', 'PX', 10);
  await pollUntil(async () => (await redis.dbsize()) === 0, 3000, 'active expiry');
  await redis.ping();
  const deletions = () => readLastIncr(aofDir(dir)).filter((argv) => argv[0] === 'UNLINK' || argv[0] === 'DEL');
  await pollUntil(() => deletions().length >= 2, 3000, 'UNLINKs in the AOF');
  assert.deepEqual(deletions().sort(), [['UNLINK', 'gone1'], ['UNLINK', 'gone2']]);
  assert.ok(!readLastIncr(aofDir(dir)).some((argv) => argv[0] === 'MULTI'), 'active expiry never wraps');
});

test('eviction propagates one DEL per evicted key, before the command and never wrapped with it', async (t) => {
  const dir = tempDir(t, 'aof-evict');
  const node = await startNode(t, dir, { 'maxmemory-policy': 'allkeys-random' });
  const redis = await connectIoredis(t, node.port);
  for (let i = 0; i < 50; i++) await redis.set(`k${i}`, 'v'.repeat(100));
  await redis.config('SET', 'maxmemory', '1');
  const triggerReply = await redis.set('trigger', '1').catch(() => 'refused');
  await redis.config('SET', 'maxmemory', '0');
  const commands = readLastIncr(aofDir(dir));
  const dels = commands.filter((argv) => argv[0] === 'DEL').map((argv) => argv[1] as string);
  assert.ok(dels.length > 0, 'keys were evicted');
  assert.equal(new Set(dels).size, dels.length);
  assert.equal(commands.filter((argv) => argv[0] === 'MULTI').length, 0);
  // Every DEL names a key that is gone, and every key that is gone has its DEL.
  const written = 50 + (triggerReply === 'OK' ? 1 : 0);
  assert.equal((await redis.dbsize()) + dels.length, written);
  for (const key of dels) assert.equal(await redis.exists(key), 0);
  const triggerAt = commands.findIndex((argv) => argv[1] === 'trigger');
  if (triggerAt !== -1) assert.ok(commands.findIndex((argv) => argv[0] === 'DEL') < triggerAt);
});

test('a restart on the same dir loads every write back (incr file through the normal dispatch)', async (t) => {
  const dir = tempDir(t, 'aof-restart');
  const first = await startNode(t, dir);
  const redis = await connectIoredis(t, first.port);
  await redis.set('s', 'v', 'PX', 100_000);
  await redis.rpush('l', 'a', 'b', 'c');
  await redis.hset('h', 'f', 'v');
  await redis.zadd('z', '1.5', 'm');
  await redis.multi().incr('n').incr('n').exec();
  await redis.select(7);
  await redis.sadd('set', 'x', 'y');
  await redis.xadd('st', '1-1', 'f', 'v');
  redis.disconnect();
  await first.stop();
  const second = await startNode(t, dir);
  const again = await connectIoredis(t, second.port);
  assert.equal(await again.get('s'), 'v');
  assert.ok((await again.pttl('s')) > 90_000);
  assert.deepEqual(await again.lrange('l', 0, -1), ['a', 'b', 'c']);
  assert.equal(await again.hget('h', 'f'), 'v');
  assert.equal(await again.zscore('z', 'm'), '1.5');
  assert.equal(await again.get('n'), '2');
  await again.select(7);
  assert.deepEqual((await again.smembers('set')).sort(), ['x', 'y']);
  assert.equal(await again.xlen('st'), 1);
  // Loading does not count as serving (INFO commandstats start empty, as in Redis).
  assert.doesNotMatch(await again.info('commandstats'), /cmdstat_rpush/);
});

/** A stopped node's dir whose AOF holds `SET kept 1`, and the path of its incr file. */
async function aofWithOneKey(t: TestContext, label: string): Promise<{ dir: string; incr: string }> {
  const dir = tempDir(t, label);
  const node = await startNode(t, dir);
  const redis = await connectIoredis(t, node.port);
  await redis.set('kept', '1');
  redis.disconnect();
  await node.stop();
  return { dir, incr: join(aofDir(dir), 'appendonly.aof.1.incr.aof') };
}

test('a truncated last command is cut with aof-load-truncated yes, and refused with no', async (t) => {
  const { dir, incr } = await aofWithOneKey(t, 'aof-trunc');
  const goodSize = readFileSync(incr).length;
  appendFileSync(incr, '*3\r\n$3\r\nSET\r\n$4\r\nlost\r\n$5\r\nval');
  await assert.rejects(startTesseraLoaded({ dir, appendonly: 'yes', 'aof-load-truncated': 'no' }), AofFatalError);
  const second = await startNode(t, dir, { 'aof-load-truncated': 'yes' });
  const again = await connectIoredis(t, second.port);
  assert.equal(await again.get('kept'), '1');
  assert.equal(await again.exists('lost'), 0);
  assert.equal(readFileSync(incr).length, goodSize, 'the file was cut at the last complete command');
});

test('an incomplete MULTI at the end of the file is reverted', async (t) => {
  const { dir, incr } = await aofWithOneKey(t, 'aof-multi-tail');
  appendFileSync(incr, '*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$1\r\n1\r\n');
  const second = await startNode(t, dir);
  const again = await connectIoredis(t, second.port);
  assert.equal(await again.exists('half'), 0);
  assert.equal(await again.get('kept'), '1');
  await again.set('after', '1');
  await second.stop();
  const third = await startNode(t, dir);
  const last = await connectIoredis(t, third.port);
  assert.equal(await last.get('after'), '1');
});

test('a bad manifest or a corrupt AOF stops the start with a clear error', async (t) => {
  const dir = tempDir(t, 'aof-bad');
  const first = await startNode(t, dir);
  await first.stop();
  const manifest = join(aofDir(dir), 'appendonly.aof.manifest');
  const good = readFileSync(manifest, 'latin1');
  writeFileSync(manifest, 'file appendonly.aof.1.base.aof seq 1\n');
  await assert.rejects(startTesseraLoaded({ dir, appendonly: 'yes' }), (error: Error) => error instanceof AofFatalError && /Invalid AOF manifest file format/.test(error.message));
  writeFileSync(manifest, good);
  writeFileSync(join(aofDir(dir), 'appendonly.aof.1.incr.aof'), 'garbage\r\n');
  await assert.rejects(startTesseraLoaded({ dir, appendonly: 'yes' }), AofFatalError);
});

test('BGREWRITEAOF writes a new base from the point-in-time image while writes go to a new incr file', async (t) => {
  const dir = tempDir(t, 'aof-rewrite');
  const node = await startNode(t, dir, { 'aof-use-rdb-preamble': 'no' });
  const redis = await connectIoredis(t, node.port);
  for (let i = 0; i < 2000; i++) await redis.set(`k${i}`, String(i));
  await redis.rpush('list', ...Array.from({ length: 100 }, (_, i) => `e${i}`));
  await redis.set('ttl', 'v', 'PX', 100_000);
  // One pipeline: the commands after BGREWRITEAOF run while the rewrite is in progress.
  const replies = await redis.pipeline().bgrewriteaof().bgrewriteaof().set('during', '1').del('k0').exec();
  assert.deepEqual(replies?.[0], [null, 'Background append only file rewriting started']);
  assert.match(String(replies?.[1]?.[0]), /ERR Background append only file rewriting already in progress/);
  await node.server.aof.rewriteDone;
  assert.deepEqual(listFiles(aofDir(dir)), ['appendonly.aof.2.base.aof', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
  assert.deepEqual(readManifest(aofDir(dir)).incr.map((f) => f.name), ['appendonly.aof.2.incr.aof']);
  const base = readAofCommands(join(aofDir(dir), 'appendonly.aof.2.base.aof'));
  assert.ok(base.some((argv) => argv[0] === 'SET' && argv[1] === 'k0'), 'the base holds the image from the start');
  assert.ok(!base.some((argv) => argv[1] === 'during'));
  assert.deepEqual(base.filter((argv) => argv[0] === 'RPUSH').map((argv) => argv.length - 2), [64, 36]);
  assert.ok(base.some((argv) => argv[0] === 'PEXPIREAT' && argv[1] === 'ttl'));
  const info = await redis.info('persistence');
  assert.match(info, /aof_rewrites:1\r\n/);
  assert.match(info, /aof_last_bgrewrite_status:ok\r\n/);
  await node.stop();
  const again = await startNode(t, dir);
  const check = await connectIoredis(t, again.port);
  assert.equal(await check.dbsize(), 2000 - 1 + 3);
  assert.equal(await check.get('during'), '1');
  assert.equal(await check.llen('list'), 100);
});

test('CONFIG SET appendonly yes starts the AOF with a rewrite; no stops it', async (t) => {
  const dir = tempDir(t, 'aof-config');
  const node = await startTessera({ dir });
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  await redis.set('before', '1');
  assert.match(await redis.info('persistence'), /aof_enabled:0\r\n/);
  assert.doesNotMatch(await redis.info('persistence'), /aof_current_size/);
  await redis.config('SET', 'appendonly', 'yes');
  await redis.set('while', '1');
  await node.server.aof.rewriteDone;
  await redis.set('after', '1');
  const info = await redis.info('persistence');
  assert.match(info, /aof_enabled:1\r\n/);
  assert.match(info, /aof_current_size:\d+\r\n/);
  const manifest = readManifest(aofDir(dir));
  assert.equal(manifest.base?.seq, 1);
  assert.deepEqual(manifest.incr.map((f) => f.name), ['appendonly.aof.1.incr.aof']);
  assert.ok(!existsSync(join(aofDir(dir), 'temp-appendonly.aof.incr')));
  await redis.config('SET', 'appendonly', 'no');
  await redis.set('off', '1');
  assert.ok(!readLastIncr(aofDir(dir)).some((argv) => argv[1] === 'off'));
  await node.stop();
  const again = await startNode(t, dir);
  const check = await connectIoredis(t, again.port);
  assert.deepEqual(await check.mget('before', 'while', 'after', 'off'), ['1', '1', '1', null]);
});

test('BGREWRITEAOF inside MULTI is scheduled, then runs from the tick', async (t) => {
  const dir = tempDir(t, 'aof-sched');
  const node = await startNode(t, dir, { hz: '100' });
  const redis = await connectIoredis(t, node.port);
  const replies = await redis.multi().bgrewriteaof().exec();
  assert.deepEqual(replies, [[null, 'Background append only file rewriting scheduled']]);
  await pollUntil(async () => /aof_rewrites:1\r\n/.test(await redis.info('persistence')), 3000, 'scheduled rewrite');
});

test('while the AOF loads the node answers: INFO shows loading:1, data commands get -LOADING', async (t) => {
  const dir = tempDir(t, 'aof-loading');
  const first = await startNode(t, dir);
  const redis = await connectIoredis(t, first.port);
  const pipeline = redis.pipeline();
  for (let i = 0; i < 20000; i++) pipeline.set(`k${i}`, String(i));
  await pipeline.exec();
  redis.disconnect();
  await first.stop();
  // key-load-delay (µs per command, as in Redis) makes the load last ~0.4 s, yielding to clients every 1024 commands.
  const node = await startTessera({ dir, appendonly: 'yes', 'key-load-delay': '20' });
  t.after(() => node.stop());
  const loaded = node.server.loadDataFromDisk();
  const client = await rawClient(t, node.port);
  const info = await client.call('INFO', 'persistence');
  assert.equal(info.type, 'bulk');
  assert.match((info as { value: string }).value, /loading:1\r\n/);
  assert.match((info as { value: string }).value, /loading_loaded_bytes:\d+\r\n/);
  assert.deepEqual(await client.call('GET', 'k1'), { type: 'error', value: 'LOADING Redis is loading the dataset in memory' });
  await loaded;
  assert.deepEqual(await client.call('GET', 'k19999'), { type: 'bulk', value: '19999' });
  assert.match(((await client.call('INFO', 'persistence')) as { value: string }).value, /loading:0\r\n/);
});

test('BGREWRITEAOF with appendonly no writes a base and a manifest only (as Redis 7.0)', async (t) => {
  const dir = tempDir(t, 'aof-off-rewrite');
  const node = await startTesseraLoaded({ dir });
  t.after(() => node.stop());
  const redis = await connectIoredis(t, node.port);
  await redis.set('a', '1');
  for (const seq of [1, 2]) {
    assert.equal(await redis.bgrewriteaof(), 'Background append only file rewriting started');
    await node.server.aof.rewriteDone;
    assert.deepEqual(listFiles(aofDir(dir)), [`appendonly.aof.${seq}.base.rdb`, 'appendonly.aof.manifest']);
    assert.equal(readFileSync(join(aofDir(dir), 'appendonly.aof.manifest'), 'latin1'), `file appendonly.aof.${seq}.base.rdb seq ${seq} type b\n`);
  }
  const info = await redis.info('persistence');
  assert.match(info, /aof_enabled:0\r\naof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0\r\naof_last_rewrite_time_sec:0\r\n/);
  assert.match(info, /aof_rewrites:2\r\n/);
});

test('a client woken by a write propagates its command after that write, and after a whole script (as Redis 7.0)', async (t) => {
  const dir = tempDir(t, 'aof-blocked');
  const node = await startNode(t, dir);
  const redis = await connectIoredis(t, node.port);
  const blocked = await connectIoredis(t, node.port);
  const blmove = await connectIoredis(t, node.port);
  const popped = blocked.blpop('q', 0);
  const moved = blmove.blmove('q2', 'q3', 'LEFT', 'RIGHT', 0);
  await pollUntil(async () => /blocked_clients:2\r\n/.test(await redis.info('clients')), 3000, 'clients blocked');
  await redis.eval("redis.call('rpush','q','a','b'); redis.call('set','x','1')", 0);
  assert.deepEqual(await popped, ['q', 'a']);
  await redis.rpush('q2', 'z');
  assert.equal(await moved, 'z');
  assert.deepEqual(readLastIncr(aofDir(dir)), [
    ['SELECT', '0'],
    ['MULTI'],
    ['rpush', 'q', 'a', 'b'],
    ['set', 'x', '1'],
    ['EXEC'],
    ['LPOP', 'q'],
    ['rpush', 'q2', 'z'],
    ['LMOVE', 'q2', 'q3', 'LEFT', 'RIGHT'],
  ]);
});

test('aof-timestamp-enabled yes writes #TS annotations, which loading skips', async (t) => {
  const dir = tempDir(t, 'aof-ts');
  const first = await startNode(t, dir, { 'aof-timestamp-enabled': 'yes', 'aof-use-rdb-preamble': 'no' });
  const redis = await connectIoredis(t, first.port);
  await redis.set('a', '1');
  assert.match(readFileSync(join(aofDir(dir), 'appendonly.aof.1.incr.aof'), 'latin1'), /^#TS:\d+\r\n\*2\r\n\$6\r\nSELECT/);
  await redis.bgrewriteaof();
  await first.server.aof.rewriteDone;
  assert.match(readFileSync(join(aofDir(dir), 'appendonly.aof.2.base.aof'), 'latin1'), /^#TS:\d+\r\n/);
  await redis.set('b', '2');
  redis.disconnect();
  await first.stop();
  const second = await startNode(t, dir);
  const again = await connectIoredis(t, second.port);
  assert.deepEqual(await again.mget('a', 'b'), ['1', '2']);
});

test('auto-aof-rewrite-percentage / -min-size start a rewrite from the tick when the AOF grew enough', async (t) => {
  const dir = tempDir(t, 'aof-auto');
  const node = await startNode(t, dir, { hz: '100', 'auto-aof-rewrite-min-size': '4096', 'auto-aof-rewrite-percentage': '100' });
  const redis = await connectIoredis(t, node.port);
  assert.match(await redis.info('persistence'), /aof_rewrites:0\r\n/);
  await redis.set('big', 'x'.repeat(5000));
  await pollUntil(async () => /aof_rewrites:1\r\n/.test(await redis.info('persistence')), 3000, 'automatic rewrite');
  await node.server.aof.rewriteDone;
  const info = await redis.info('persistence');
  const current = Number(/aof_current_size:(\d+)/.exec(info)?.[1]);
  const base = Number(/aof_base_size:(\d+)/.exec(info)?.[1]);
  assert.ok(base > 0 && current >= base, info);
  // No second rewrite: the AOF has not doubled since.
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.match(await redis.info('persistence'), /aof_rewrites:1\r\n/);
});

test('BGREWRITEAOF during a BGSAVE is scheduled and runs after it; BGSAVE during a rewrite is refused (as Redis)', async (t) => {
  const dir = tempDir(t, 'aof-bgsave');
  const node = await startNode(t, dir, { hz: '100' });
  const redis = await connectIoredis(t, node.port);
  for (let i = 0; i < 20; i++) await redis.set(`k${i}`, String(i));
  // 20 ms per key saved: the BGSAVE lasts ~0.4 s.
  await redis.config('SET', 'rdb-key-save-delay', '20000');
  assert.equal(await redis.bgsave(), 'Background saving started');
  assert.equal(await redis.bgrewriteaof(), 'Background append only file rewriting scheduled');
  assert.match(await redis.info('persistence'), /aof_rewrite_scheduled:1\r\n/);
  await pollUntil(async () => /aof_rewrite_in_progress:1\r\n/.test(await redis.info('persistence')), 5000, 'the rewrite starts after the BGSAVE');
  assert.match(await redis.info('persistence'), /rdb_bgsave_in_progress:0\r\n/);
  await assert.rejects(redis.bgsave(), /ERR Another child process is active \(AOF\?\): can't BGSAVE right now/);
  await redis.config('SET', 'rdb-key-save-delay', '0');
  await node.server.aof.rewriteDone;
  assert.match(await redis.info('persistence'), /aof_rewrites:1\r\naof_rewrites_consecutive_failures:0\r\n/);
});
