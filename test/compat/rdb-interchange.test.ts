import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeCommand, type Reply } from '../../src/resp/reply-parser.js';
import { splitArgs } from '../../src/resp/split-args.js';
import { RdbFileReader } from '../../src/persistence/rdb/rdb-file-reader.js';
import { RdbFileWriter, standardAuxFields } from '../../src/persistence/rdb/rdb-file-writer.js';
import { rawClient } from '../support/clients.js';
import type { RawClient } from '../support/raw-client.js';
import { replyToPlain } from '../support/raw-client.js';
import { startRedisServer, type RunningProcess } from '../support/redis-server-process.js';
import { startTessera, type InProcessNode } from '../support/tessera.js';

/**
 * RDB and DUMP interchange with a real redis-server 7.0, for every type and encoding: the data
 * set is the golden fixtures' script (src/persistence/rdb/testdata/commands.txt), which builds
 * each encoding Redis has (int/embstr/raw strings, quicklists, intsets, hashtables, listpacks,
 * skiplists, streams with groups, PELs and deletions, sparse and dense HLLs) in db 0 and db 3.
 * Values are compared as clients read them (type, OBJECT ENCODING, PEXPIRETIME and contents).
 */

const COMMANDS = fileURLToPath(new URL('../../../src/persistence/rdb/testdata/commands.txt', import.meta.url));
const DATABASES = [0, 3];

async function call(client: RawClient, ...args: string[]): Promise<Reply> {
  return client.call(...args);
}

function text(reply: Reply): string {
  assert.ok(reply.type === 'bulk' || reply.type === 'simple', `expected a string reply, got ${JSON.stringify(replyToPlain(reply))}`);
  return reply.value;
}

function strings(reply: Reply): string[] {
  assert.equal(reply.type, 'array');
  return (reply.value as Reply[]).map(text);
}

/** Sends the fixture script in one pipeline; every reply must be a non-error. */
async function runScript(client: RawClient): Promise<void> {
  const lines = readFileSync(COMMANDS, 'latin1').split('\n').filter((line) => line.trim() !== '');
  const argvs = lines.map((line) => splitArgs(line) as string[]);
  client.writeRaw(Buffer.concat(argvs.map((argv) => encodeCommand(argv))));
  for (const argv of argvs) {
    const reply = await client.read(20_000);
    assert.notEqual(reply.type, 'error', `${argv.join(' ').slice(0, 80)}: ${JSON.stringify(replyToPlain(reply))}`);
  }
}

async function keysOf(client: RawClient, db: number): Promise<string[]> {
  await call(client, 'SELECT', String(db));
  return strings(await call(client, 'KEYS', '*')).sort();
}

/** What a client sees of a key: type, encoding, absolute expiry and contents (sets and hashes sorted). */
async function snapshotKey(client: RawClient, key: string): Promise<unknown> {
  const type = text(await call(client, 'TYPE', key));
  const encoding = text(await call(client, 'OBJECT', 'ENCODING', key));
  const expire = replyToPlain(await call(client, 'PEXPIRETIME', key));
  let contents: unknown;
  switch (type) {
    case 'string':
      contents = text(await call(client, 'GET', key));
      break;
    case 'list':
      contents = strings(await call(client, 'LRANGE', key, '0', '-1'));
      break;
    case 'set':
      contents = strings(await call(client, 'SMEMBERS', key)).sort();
      break;
    case 'hash': {
      const flat = strings(await call(client, 'HGETALL', key));
      const pairs: string[][] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i] as string, flat[i + 1] as string]);
      contents = pairs.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
      break;
    }
    case 'zset':
      contents = strings(await call(client, 'ZRANGE', key, '0', '-1', 'WITHSCORES'));
      break;
    case 'stream':
      contents = {
        entries: replyToPlain(await call(client, 'XRANGE', key, '-', '+')),
        info: replyToPlain(await call(client, 'XINFO', 'STREAM', key, 'FULL')),
        groups: replyToPlain(await call(client, 'XINFO', 'GROUPS', key)),
      };
      break;
    default:
      assert.fail(`unexpected type ${type}`);
  }
  const hll = key.startsWith('hll:') ? replyToPlain(await call(client, 'PFCOUNT', key)) : undefined;
  return { type, encoding, expire, contents, hll };
}

async function snapshotAll(client: RawClient): Promise<Map<string, unknown>> {
  const all = new Map<string, unknown>();
  for (const db of DATABASES) {
    for (const key of await keysOf(client, db)) all.set(`${db}:${key}`, await snapshotKey(client, key));
  }
  await call(client, 'SELECT', '0');
  return all;
}

function assertSameSnapshots(actual: Map<string, unknown>, expected: Map<string, unknown>, label: string): void {
  assert.deepEqual([...actual.keys()], [...expected.keys()], `${label}: key sets`);
  for (const [key, want] of expected) assert.deepEqual(actual.get(key), want, `${label}: ${key}`);
}

/** DUMP every key from one server and RESTORE it (with its absolute TTL) into the other. */
async function copyByDump(from: RawClient, to: RawClient): Promise<void> {
  for (const db of DATABASES) {
    const keys = await keysOf(from, db);
    await call(to, 'SELECT', String(db));
    for (const key of keys) {
      const payload = text(await call(from, 'DUMP', key));
      const expire = await call(from, 'PEXPIRETIME', key);
      const ttl = expire.type === 'integer' && expire.value > 0n ? expire.value.toString() : '0';
      const reply = await call(to, 'RESTORE', key, ttl, payload, 'ABSTTL', 'REPLACE');
      assert.equal(text(reply), 'OK', `RESTORE ${key}`);
    }
  }
  await call(from, 'SELECT', '0');
  await call(to, 'SELECT', '0');
}

interface Setup {
  source: RunningProcess;
  sourceClient: RawClient;
  tessera: InProcessNode;
  tesseraClient: RawClient;
}

async function setup(t: TestContext): Promise<Setup> {
  const source = await startRedisServer(['--enable-debug-command', 'local']);
  t.after(() => source.stop());
  const tessera = await startTessera();
  t.after(() => tessera.stop());
  const sourceClient = await rawClient(t, source.port);
  const tesseraClient = await rawClient(t, tessera.port);
  await runScript(sourceClient);
  return { source, sourceClient, tessera, tesseraClient };
}

test('DUMP from redis-server RESTOREs into Tessera, and Tessera DUMPs RESTORE into redis-server', async (t) => {
  const { sourceClient, tesseraClient } = await setup(t);
  // What a redis-server holds after restoring its own payloads (encodings after loading).
  const mirror = await startRedisServer();
  t.after(() => mirror.stop());
  const mirrorClient = await rawClient(t, mirror.port);
  await copyByDump(sourceClient, mirrorClient);
  const expected = await snapshotAll(mirrorClient);
  assert.ok(expected.size >= 50, `only ${expected.size} keys`);

  await copyByDump(sourceClient, tesseraClient);
  assertSameSnapshots(await snapshotAll(tesseraClient), expected, 'Redis payloads restored into Tessera');

  await call(mirrorClient, 'FLUSHALL');
  await copyByDump(tesseraClient, mirrorClient);
  assertSameSnapshots(await snapshotAll(mirrorClient), expected, 'Tessera payloads restored into redis-server');
});

test("redis-server's SAVE output loads through RdbFileReader with identical contents, and a file from RdbFileWriter loads into redis-server", async (t) => {
  const { source, sourceClient, tessera, tesseraClient } = await setup(t);
  // Redis's view after loading its own file (encodings after load).
  assert.equal(text(await call(sourceClient, 'DEBUG', 'RELOAD')), 'OK');
  const expected = await snapshotAll(sourceClient);
  assert.equal(text(await call(sourceClient, 'SAVE')), 'OK');

  // Redis's file → RdbFileReader → Tessera's keyspace.
  const reader = new RdbFileReader(readFileSync(join(source.dir, 'dump.rdb')));
  const keyspace = tessera.server.keyspace;
  for (let item = reader.next(); item !== null; item = reader.next()) {
    if (item.kind !== 'entry') continue;
    const db = keyspace.db(item.dbIndex);
    db.set(item.key, item.value);
    if (item.expireAtMs !== undefined) db.setExpireAtMs(item.key, item.expireAtMs);
  }
  assertSameSnapshots(await snapshotAll(tesseraClient), expected, 'Redis SAVE loaded by RdbFileReader');

  // Tessera's keyspace → RdbFileWriter → a fresh redis-server started on that file.
  const writer = new RdbFileWriter({ compress: true, checksum: true });
  writer.header(standardAuxFields({ redisVersion: '7.0.15', nowMs: Date.now(), usedMemoryBytes: 0, aofBase: false }));
  for (const db of keyspace.databases) {
    if (db.size === 0) continue;
    writer.selectDb(db.id, db.size, db.expiresCount);
    for (const [key, value] of db.entries()) writer.entry(key, value, db.expireAtMs(key));
  }
  writer.end();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-rdb-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'from-tessera.rdb'), Buffer.concat(writer.takeChunks()));
  // The later --dir wins over the one startRedisServer gives: redis-server loads the file at start.
  const loaded = await startRedisServer(['--dir', dir, '--dbfilename', 'from-tessera.rdb']);
  t.after(() => loaded.stop());
  assert.match(loaded.output(), /DB loaded from disk/);
  const loadedClient = await rawClient(t, loaded.port);
  assertSameSnapshots(await snapshotAll(loadedClient), expected, 'RdbFileWriter file loaded by redis-server');
});

test('LRU idle times and LFU frequencies travel both ways in files', async (t) => {
  // Redis → file → RdbFileReader.
  const lru = await startRedisServer(['--maxmemory-policy', 'allkeys-lru']);
  t.after(() => lru.stop());
  const lruClient = await rawClient(t, lru.port);
  await call(lruClient, 'SET', 'src', 'v');
  const payload = text(await call(lruClient, 'DUMP', 'src'));
  assert.equal(text(await call(lruClient, 'RESTORE', 'idle', '0', payload, 'IDLETIME', '500')), 'OK');
  assert.equal(text(await call(lruClient, 'SAVE')), 'OK');
  const hints = new Map<string, number | undefined>();
  const reader = new RdbFileReader(readFileSync(join(lru.dir, 'dump.rdb')));
  for (let item = reader.next(); item !== null; item = reader.next()) if (item.kind === 'entry') hints.set(item.key, item.lruIdleSeconds);
  const idle = hints.get('idle') ?? -1;
  assert.ok(idle >= 500 && idle <= 502, `idle ${idle}`);

  // RdbFileWriter → redis-server (LRU and LFU policies).
  const dir = mkdtempSync(join(tmpdir(), 'tessera-rdb-hints-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const writer = new RdbFileWriter({ compress: true, checksum: true });
  writer.header(standardAuxFields({ redisVersion: '7.0.15', nowMs: Date.now(), usedMemoryBytes: 0, aofBase: false }));
  writer.selectDb(0, 2, 0);
  writer.entry('idle', 'v', undefined, { idleSeconds: 1234 });
  writer.entry('freq', 'v', undefined, { lfuFreq: 77 });
  writer.end();
  writeFileSync(join(dir, 'hints.rdb'), Buffer.concat(writer.takeChunks()));
  const lruTarget = await startRedisServer(['--dir', dir, '--dbfilename', 'hints.rdb', '--maxmemory-policy', 'allkeys-lru']);
  t.after(() => lruTarget.stop()); // stopping twice is harmless
  const lruTargetClient = await rawClient(t, lruTarget.port);
  const loadedIdle = await call(lruTargetClient, 'OBJECT', 'IDLETIME', 'idle');
  assert.ok(loadedIdle.type === 'integer' && loadedIdle.value >= 1234n && loadedIdle.value <= 1236n, JSON.stringify(replyToPlain(loadedIdle)));
  await lruTarget.stop();
  const lfuTarget = await startRedisServer(['--dir', dir, '--dbfilename', 'hints.rdb', '--maxmemory-policy', 'allkeys-lfu']);
  t.after(() => lfuTarget.stop());
  const lfuTargetClient = await rawClient(t, lfuTarget.port);
  assert.deepEqual(replyToPlain(await call(lfuTargetClient, 'OBJECT', 'FREQ', 'freq')), { integer: '77' });
});
