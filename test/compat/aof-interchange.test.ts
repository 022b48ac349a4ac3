import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitArgs } from '../../src/resp/split-args.js';
import { RawClient } from '../support/raw-client.js';
import { startRedisServer } from '../support/redis-server-process.js';
import { startTesseraLoaded, tempDir } from '../support/aof-files.js';
import { dumpDataset, parseExpected, type DatasetRecord } from '../support/dataset-dump.js';
import { compatDataPath } from './harness/paths.js';

/** The fixture: an appendonlydir written by redis-server 7.0.15 (RDB-preamble base + incr file). */
const fixtureDir = compatDataPath('testdata/aof');

/** The fixture's command script (redis-cli quoting), with the BGREWRITEAOF step marked. */
function fixtureCommands(): string[][] {
  const text = readFileSync(join(fixtureDir, 'commands.txt'), 'latin1');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const argv = splitArgs(line);
      if (argv === null) throw new Error(`bad line: ${line}`);
      return argv;
    });
}

async function waitRewriteDone(client: RawClient): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const info = await client.call('INFO', 'persistence');
    if (info.type === 'verbatim' || info.type === 'bulk') {
      if (/aof_rewrite_in_progress:0\r\n/.test(info.value) && /aof_rewrite_scheduled:0\r\n/.test(info.value)) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail('AOF rewrite did not end within 10 s');
}

/** Runs the fixture's commands, BGREWRITEAOF included (waiting for it as the capture did). */
async function runFixtureCommands(port: number): Promise<void> {
  const client = await RawClient.connect(port);
  try {
    for (const argv of fixtureCommands()) {
      const reply = await client.call(...argv.map((arg) => Buffer.from(arg, 'latin1')));
      assert.notEqual(reply.type, 'error', `${argv.join(' ')}: ${reply.type === 'error' ? reply.value : ''}`);
      if (argv[0]?.toUpperCase() === 'BGREWRITEAOF') await waitRewriteDone(client);
    }
  } finally {
    client.close();
  }
}

/** Records without OBJECT ENCODING: a loader may pick other encodings than the writer had. */
function withoutEncoding(records: DatasetRecord[]): DatasetRecord[] {
  return records.map(({ encoding: _encoding, ...rest }) => rest);
}

test('an appendonlydir written by redis-server 7.0 loads into Tessera with the expected contents', async (t) => {
  const dir = tempDir(t, 'aof-fixture');
  cpSync(join(fixtureDir, 'appendonlydir'), join(dir, 'appendonlydir'), { recursive: true });
  const node = await startTesseraLoaded({ dir, appendonly: 'yes' });
  t.after(() => node.stop());
  const expected = parseExpected(readFileSync(join(fixtureDir, 'expected.txt'), 'latin1'));
  const actual = await dumpDataset(node.port);
  assert.deepEqual(actual, expected);
});

async function tesseraToRedis(t: TestContext, preamble: 'yes' | 'no'): Promise<void> {
  const dir = tempDir(t, `aof-out-${preamble}`);
  const node = await startTesseraLoaded({ dir, appendonly: 'yes', 'aof-use-rdb-preamble': preamble });
  let stopped = false;
  t.after(async () => {
    if (!stopped) await node.stop();
  });
  await runFixtureCommands(node.port);
  const written = await dumpDataset(node.port);
  await node.stop();
  stopped = true;
  const files = readdirSync(join(dir, 'appendonlydir')).sort();
  assert.deepEqual(files, ['appendonly.aof.2.base.' + (preamble === 'yes' ? 'rdb' : 'aof'), 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
  const redisDir = tempDir(t, `aof-redis-${preamble}`);
  cpSync(join(dir, 'appendonlydir'), join(redisDir, 'appendonlydir'), { recursive: true });
  const redis = await startRedisServer(['--dir', redisDir, '--appendonly', 'yes']);
  t.after(() => redis.stop());
  const loaded = await dumpDataset(redis.port);
  // Key by key, TTLs included; encodings too, except where a loader legitimately re-encodes.
  assert.deepEqual(withoutEncoding(loaded), withoutEncoding(written));
  // And the same as the fixture Redis wrote for the same commands.
  const expected = parseExpected(readFileSync(join(fixtureDir, 'expected.txt'), 'latin1'));
  assert.deepEqual(withoutEncoding(loaded), withoutEncoding(expected));
}

test("Tessera's appendonlydir (RDB-preamble base) loads into redis-server 7.0 with identical contents", async (t) => {
  await tesseraToRedis(t, 'yes');
});

test("Tessera's appendonlydir (command base, aof-use-rdb-preamble no) loads into redis-server 7.0 with identical contents", async (t) => {
  await tesseraToRedis(t, 'no');
});

test('an old-style single AOF (RDB preamble + commands) is migrated into a directory and loads like redis-server 7.0 loads it', async (t) => {
  const preamble = readFileSync(join(fixtureDir, 'appendonlydir', 'appendonly.aof.2.base.rdb'));
  const tail = '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$4\r\ntail\r\n$1\r\n1\r\n*2\r\n$4\r\nINCR\r\n$7\r\ncounter\r\n';
  const oldStyle = Buffer.concat([preamble, Buffer.from(tail, 'latin1')]);
  const tesseraDir = tempDir(t, 'aof-old-t');
  const redisDir = tempDir(t, 'aof-old-r');
  writeFileSync(join(tesseraDir, 'appendonly.aof'), oldStyle);
  writeFileSync(join(redisDir, 'appendonly.aof'), oldStyle);
  const node = await startTesseraLoaded({ dir: tesseraDir, appendonly: 'yes' });
  t.after(() => node.stop());
  const redis = await startRedisServer(['--dir', redisDir, '--appendonly', 'yes']);
  t.after(() => redis.stop());
  assert.deepEqual(readdirSync(join(tesseraDir, 'appendonlydir')).sort(), readdirSync(join(redisDir, 'appendonlydir')).sort());
  assert.equal(readFileSync(join(tesseraDir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1'), readFileSync(join(redisDir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1'));
  const fromTessera = await dumpDataset(node.port);
  assert.deepEqual(fromTessera, await dumpDataset(redis.port));
  assert.ok(fromTessera.some((record) => record.key === 'tail'));
});
