import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { connectIoredis, rawClient } from '../support/clients.js';
import type { RawClient } from '../support/raw-client.js';
import { readDataset, type KeyState } from '../support/dataset.js';
import { startTessera, type InProcessNode } from '../support/tessera.js';
import { RdbFileReader } from '../../src/persistence/rdb/rdb-file-reader.js';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-persistence-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startNode(t: TestContext, dir: string, directives: Record<string, string> = {}): Promise<InProcessNode> {
  const node = await startTessera({ dir, 'enable-debug-command': 'yes', ...directives });
  t.after(() => node.stop());
  return node;
}

/** Keys of every type, some with a TTL, in two databases. */
async function fillMixed(client: Redis, prefix = ''): Promise<void> {
  const far = Date.now() + 3_600_000;
  await client.set(`${prefix}str`, 'hello');
  await client.set(`${prefix}int`, '12345');
  await client.set(`${prefix}bin`, Buffer.from([0, 1, 2, 255, 13, 10]));
  await client.set(`${prefix}ttl`, 'v', 'PXAT', far);
  await client.rpush(`${prefix}list`, 'a', 'b', 'c');
  await client.sadd(`${prefix}set`, 'x', 'y', 'z');
  await client.sadd(`${prefix}intset`, '1', '2', '3');
  await client.zadd(`${prefix}zset`, 1, 'one', 2.5, 'two', -3, 'three');
  await client.hset(`${prefix}hash`, 'f1', 'v1', 'f2', 'v2');
  await client.pexpireat(`${prefix}hash`, far + 1);
  await client.xadd(`${prefix}stream`, '1-1', 'f', 'v');
  await client.xadd(`${prefix}stream`, '2-1', 'g', 'w');
  await client.xgroup('CREATE', `${prefix}stream`, 'grp', '0');
  await client.xreadgroup('GROUP', 'grp', 'consumer', 'COUNT', '1', 'STREAMS', `${prefix}stream`, '>');
  await client.select(1);
  await client.set(`${prefix}db1`, 'one');
  await client.select(0);
}

async function infoText(raw: RawClient): Promise<string> {
  const reply = await raw.call('INFO', 'persistence');
  assert.equal(reply.type, 'bulk');
  return String((reply as { value: unknown }).value);
}

/** Many small keys, pipelined. */
async function fillMany(client: Redis, count: number, prefix = 'k'): Promise<void> {
  const pipeline = client.pipeline();
  for (let i = 0; i < count; i++) pipeline.set(`${prefix}${i}`, `value-${i}`);
  await pipeline.exec();
}

/** A second node on the same directory, loading what the first one saved. */
async function reload(t: TestContext, dir: string): Promise<{ node: InProcessNode; client: Redis; data: Map<string, KeyState> }> {
  const node = await startNode(t, dir);
  assert.equal(await node.server.loadDataFromDisk(), true);
  const client = await connectIoredis(t, node.port);
  return { node, client, data: await readDataset(client) };
}

test('SAVE writes dump.rdb; LASTSAVE and INFO follow; another node loads it with the same keys and TTLs', async (t) => {
  const dir = tempDir(t);
  const node = await startNode(t, dir);
  const client = await connectIoredis(t, node.port);
  await fillMixed(client);
  const before = await readDataset(client);
  const lastSaveBefore = await client.lastsave();
  assert.equal(await client.save(), 'OK');
  assert.ok(existsSync(join(dir, 'dump.rdb')));
  assert.ok(!existsSync(join(dir, `temp-${process.pid}.rdb`)), 'no temp file left');
  assert.ok((await client.lastsave()) >= lastSaveBefore);
  const info = await client.info('persistence');
  assert.match(info, /rdb_changes_since_last_save:0\r\n/);
  assert.match(info, /rdb_saves:1\r\n/);
  assert.match(info, /rdb_last_bgsave_status:ok\r\n/);
  const { data, client: second } = await reload(t, dir);
  assert.deepEqual(data, before);
  assert.match(await second.info('persistence'), /rdb_last_load_keys_loaded:11\r\n/);
});

test('BGSAVE replies and errors match Redis 7.0', async (t) => {
  const dir = tempDir(t);
  const node = await startNode(t, dir);
  const client = await connectIoredis(t, node.port);
  const raw = await rawClient(t, node.port);
  await fillMany(client, 2000);
  // 100 µs per key: the save runs ~200 ms, and the pipeline below lands while it does.
  await client.config('SET', 'rdb-key-save-delay', '100');
  raw.writeRaw('*1\r\n$6\r\nBGSAVE\r\n*1\r\n$6\r\nBGSAVE\r\n*2\r\n$6\r\nBGSAVE\r\n$8\r\nSCHEDULE\r\n*1\r\n$4\r\nSAVE\r\n');
  assert.deepEqual(await raw.read(), { type: 'simple', value: 'Background saving started' });
  assert.deepEqual(await raw.read(), { type: 'error', value: 'ERR Background save already in progress' });
  assert.deepEqual(await raw.read(), { type: 'error', value: 'ERR Background save already in progress' });
  assert.deepEqual(await raw.read(), { type: 'error', value: 'ERR Background save already in progress' });
  const during = await client.info('persistence');
  assert.match(during, /rdb_bgsave_in_progress:1\r\n/);
  assert.match(during, /current_save_keys_total:2000\r\n/);
  await node.server.persistence.whenIdle();
  await client.config('SET', 'rdb-key-save-delay', '0');
  const after = await client.info('persistence');
  assert.match(after, /rdb_bgsave_in_progress:0\r\n/);
  assert.match(after, /rdb_last_bgsave_status:ok\r\n/);
  assert.match(after, /rdb_last_bgsave_time_sec:\d+\r\n/);
  assert.deepEqual(await raw.call('BGSAVE', 'FOO'), { type: 'error', value: 'ERR syntax error' });
  assert.deepEqual(await raw.call('BGSAVE', 'SCHEDULE', 'X'), { type: 'error', value: 'ERR syntax error' });
  // Inside MULTI a BGSAVE is scheduled; the tick starts it.
  await raw.call('MULTI');
  await raw.call('BGSAVE');
  assert.deepEqual(await raw.call('EXEC'), { type: 'array', value: [{ type: 'simple', value: 'Background saving scheduled' }] });
  for (let i = 0; i < 100 && !/rdb_saves:2\r\n/.test(await client.info('persistence')); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.match(await client.info('persistence'), /rdb_saves:2\r\n/);
  await node.server.persistence.whenIdle();
  assert.deepEqual(await raw.call('SAVE', 'x'), { type: 'error', value: "ERR wrong number of arguments for 'save' command" });
});

test('the BGSAVE image is the dataset at the start, whatever commands do while it runs', async (t) => {
  const dir = tempDir(t);
  const node = await startNode(t, dir);
  const client = await connectIoredis(t, node.port);
  await fillMixed(client);
  await fillMany(client, 3000);
  await client.select(2);
  await client.set('in-db2', 'two');
  await client.select(3);
  await client.set('in-db3', 'three');
  await client.select(0);
  await client.set('counter', '5');
  const before = await readDataset(client);
  // 300 µs per key (~1 s): the walk spans many event-loop turns, interleaved with the commands below.
  await client.config('SET', 'rdb-key-save-delay', '300');
  // A key that expires while the walk runs (set last: reading the dataset above takes a while).
  await client.set('short-ttl', 'soon', 'PX', 150);
  before.set('0:short-ttl', { type: 'string', value: 'soon', expireAtMs: Number(await client.pexpiretime('short-ttl')) });
  assert.equal(await client.bgsave(), 'Background saving started');
  await client.set('k10', 'overwritten');
  await client.set('k2999', 'overwritten-last');
  await client.del('k11', 'str');
  await client.set('created-after', 'new');
  await client.expire('k12', 1000);
  await client.persist('ttl');
  await client.rename('k13', 'k13-renamed');
  await client.rename('int', 'k2998');
  await client.hset('hash', 'f3', 'v3');
  await client.rpush('list', 'd');
  await client.lpop('list');
  await client.sadd('set', 'w');
  await client.zadd('zset', 99, 'one');
  await client.xadd('stream', '3-1', 'h', 'x');
  await client.xack('stream', 'grp', '1-1');
  await client.append('k14', '-appended');
  await client.setrange('k15', 0, 'XX');
  await client.incr('counter');
  await client.move('k17', 5);
  await client.copy('k18', 'k18-copy');
  await client.swapdb(2, 3);
  await client.select(1);
  await client.flushdb();
  await client.set('db1-after-flush', 'x');
  await client.select(0);
  await client.pexpire('k19', 1);
  assert.ok(node.server.persistence.bgsaveInProgress, 'the changes above ran while the walk did');
  await new Promise((resolve) => setTimeout(resolve, 200)); // short-ttl and k19 expire meanwhile
  await client.get('k19');
  await client.get('short-ttl');
  await node.server.persistence.whenIdle();
  assert.match(await client.info('persistence'), /rdb_last_bgsave_status:ok\r\n/);
  // The image keeps short-ttl with its TTL (like a fork would); a later load drops it as expired.
  const reader = new RdbFileReader(readFileSync(join(dir, 'dump.rdb')));
  const inFile = new Map<string, number | undefined>();
  for (let item = reader.next(); item !== null; item = reader.next()) {
    if (item.kind === 'entry') inFile.set(`${item.dbIndex}:${item.key}`, item.expireAtMs);
  }
  assert.equal(inFile.size, before.size);
  assert.equal(inFile.get('0:short-ttl'), before.get('0:short-ttl')?.expireAtMs);
  const { data, client: second } = await reload(t, dir);
  const expected = new Map([...before].filter(([key]) => key !== '0:short-ttl'));
  assert.deepEqual(data, expected);
  assert.match(await second.info('persistence'), /rdb_last_load_keys_expired:1\r\n/);
});

test('a save point starts a BGSAVE from the tick', async (t) => {
  const dir = tempDir(t);
  const node = await startNode(t, dir, { save: '1 1' });
  const client = await connectIoredis(t, node.port);
  await client.set('a', '1');
  // Redis's rule: more than 1 second since the last save, and at least 1 change.
  for (let i = 0; i < 60 && !existsSync(join(dir, 'dump.rdb')); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(existsSync(join(dir, 'dump.rdb')), 'the save point wrote dump.rdb');
  await node.server.persistence.whenIdle();
  const info = await client.info('persistence');
  assert.match(info, /rdb_changes_since_last_save:0\r\n/);
  assert.match(info, /rdb_saves:1\r\n/);
});

test('DEBUG RELOAD saves, empties and loads back (keys and TTLs); its options and errors', async (t) => {
  const dir = tempDir(t);
  const node = await startNode(t, dir);
  const client = await connectIoredis(t, node.port);
  const raw = await rawClient(t, node.port);
  assert.deepEqual(await raw.call('DEBUG', 'RELOAD', 'NOSAVE'), { type: 'error', value: 'ERR Error trying to load the RDB dump, check server logs.' });
  await fillMixed(client);
  const before = await readDataset(client);
  assert.equal(await client.call('DEBUG', 'RELOAD'), 'OK');
  assert.deepEqual(await readDataset(client), before);
  await client.set('extra', '1');
  assert.equal(await client.call('DEBUG', 'RELOAD', 'NOSAVE'), 'OK');
  assert.equal(await client.exists('extra'), 0);
  await client.set('extra', '1');
  assert.equal(await client.call('DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH', 'MERGE'), 'OK');
  assert.equal(await client.get('extra'), '1');
  assert.deepEqual(await raw.call('DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH'), { type: 'error', value: 'ERR Error trying to load the RDB dump, check server logs.' });
  assert.deepEqual(await raw.call('DEBUG', 'RELOAD', 'BOGUS'), { type: 'error', value: 'ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.' });
});

test('while loading, commands without the loading flag get -LOADING; INFO shows loading:1', async (t) => {
  const dir = tempDir(t);
  const first = await startNode(t, dir);
  const firstClient = await connectIoredis(t, first.port);
  await fillMany(firstClient, 2000);
  await firstClient.save();
  // 200 µs per key: about 0.4 s of loading, in slices the node answers between.
  const node = await startNode(t, dir, { 'key-load-delay': '200' });
  const raw = await rawClient(t, node.port);
  const loaded = node.server.loadDataFromDisk();
  assert.deepEqual(await raw.call('PING'), { type: 'error', value: 'LOADING Redis is loading the dataset in memory' });
  assert.deepEqual(await raw.call('GET', 'k1'), { type: 'error', value: 'LOADING Redis is loading the dataset in memory' });
  const text = await infoText(raw);
  assert.match(text, /loading:1\r\n/);
  assert.match(text, /loading_total_bytes:\d+\r\n/);
  assert.match(text, /loading_loaded_perc:\d+\.\d\d\r\n/);
  assert.equal(await loaded, true);
  assert.deepEqual(await raw.call('GET', 'k1'), { type: 'bulk', value: 'value-1' });
  const after = await infoText(raw);
  assert.match(after, /loading:0\r\n/);
  assert.match(after, /rdb_last_load_keys_loaded:2000\r\n/);
  assert.doesNotMatch(after, /loading_total_bytes/);
});

test('a failed BGSAVE with save points refuses writes and PING with -MISCONF until a save works', async (t) => {
  const dir = tempDir(t);
  const node = await startNode(t, dir, { save: '3600 1', 'enable-protected-configs': 'yes' });
  const client = await connectIoredis(t, node.port);
  const raw = await rawClient(t, node.port);
  const doomed = join(dir, 'gone');
  mkdirSync(doomed);
  await client.config('SET', 'dir', doomed);
  rmSync(doomed, { recursive: true });
  assert.equal(await client.bgsave(), 'Background saving started');
  assert.match(await client.info('persistence'), /rdb_last_bgsave_status:err\r\n/);
  const misconf =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";
  assert.deepEqual(await raw.call('SET', 'a', '1'), { type: 'error', value: misconf });
  assert.deepEqual(await raw.call('PING'), { type: 'error', value: misconf });
  assert.equal((await raw.call('GET', 'a')).type, 'null');
  assert.deepEqual(await raw.call('SAVE'), { type: 'error', value: 'ERR' });
  await client.config('SET', 'dir', dir);
  assert.equal(await client.bgsave(), 'Background saving started');
  await node.server.persistence.whenIdle();
  assert.equal(await client.set('a', '1'), 'OK');
});

test('FLUSHALL with save points stops a running BGSAVE (status stays ok) and saves the empty dataset', async (t) => {
  const dir = tempDir(t);
  const node = await startNode(t, dir, { save: '3600 1' });
  const client = await connectIoredis(t, node.port);
  await fillMany(client, 2000);
  await client.config('SET', 'rdb-key-save-delay', '200');
  assert.equal(await client.bgsave(), 'Background saving started');
  assert.equal(await client.flushall(), 'OK');
  await node.server.persistence.whenIdle();
  const info = await client.info('persistence');
  assert.match(info, /rdb_last_bgsave_status:ok\r\n/);
  assert.match(info, /rdb_changes_since_last_save:1\r\n/);
  assert.ok(!existsSync(join(dir, `temp-${process.pid}.rdb`)), 'the stopped save removed its temp file');
  const reader = new RdbFileReader(readFileSync(join(dir, 'dump.rdb')));
  let entries = 0;
  for (let item = reader.next(); item !== null; item = reader.next()) if (item.kind === 'entry') entries++;
  assert.equal(entries, 0);
});

test('a load past 8 MB checks the CRC-64 on a worker thread: a good file loads, a bad checksum fails the load', async (t) => {
  const dir = tempDir(t);
  const first = await startNode(t, dir);
  const firstClient = await connectIoredis(t, first.port);
  const pipeline = firstClient.pipeline();
  // 1000-byte values, not compressible enough to stay under 8 MB: 10,000 keys ≈ 10 MB.
  for (let i = 0; i < 10_000; i++) pipeline.set(`big${i}`, `${i}:`.padEnd(1000, String.fromCharCode(97 + (i % 26))) + Math.random().toString(36));
  await pipeline.exec();
  await firstClient.config('SET', 'rdbcompression', 'no');
  await firstClient.save();
  const path = join(dir, 'dump.rdb');
  assert.ok(readFileSync(path).length > 8 * 1024 * 1024, 'the file is big enough for the worker');
  const good = await startNode(t, dir);
  assert.equal(await good.server.loadDataFromDisk(), true);
  assert.equal(good.server.keyspace.db(0).size, 10_000);
  const bytes = readFileSync(path);
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
  writeFileSync(path, bytes);
  const bad = await startNode(t, dir);
  await assert.rejects(bad.server.loadDataFromDisk(), (error: Error) => /Wrong RDB checksum/.test(error.message));
});
