import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { encodeCommand } from '../../src/resp/reply-parser.js';
import { RawClient } from '../support/raw-client.js';
import { freePort, startRedisServer, stopProcess } from '../support/redis-server-process.js';
import { startTesseraLoaded, tempDir } from '../support/aof-files.js';
import { startTessera } from '../support/tessera.js';

/** INFO persistence as [name, value] pairs in the server's order. */
async function persistenceFields(port: number): Promise<Array<[string, string]>> {
  const client = await RawClient.connect(port);
  try {
    const reply = await client.call('INFO', 'persistence');
    assert.equal(reply.type, 'bulk');
    return String(reply.value)
      .split('\r\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon), line.slice(colon + 1)];
      });
  } finally {
    client.close();
  }
}

/** Fields whose value depends on the moment, the files or the process (not on behaviour). */
const VARYING = new Set(['rdb_last_save_time', 'aof_current_size', 'aof_base_size']);

interface Pair {
  redisPort: number;
  tesseraPort: number;
}

async function startPair(t: TestContext, appendonly: 'yes' | 'no', extra: string[]): Promise<Pair> {
  const redis = await startRedisServer(['--appendonly', appendonly, ...extra]);
  t.after(() => redis.stop());
  const directives: Record<string, string> = { dir: tempDir(t, 'info-persistence'), appendonly };
  for (let i = 0; i < extra.length; i += 2) directives[(extra[i] as string).slice(2)] = extra[i + 1] as string;
  const tessera = await startTesseraLoaded(directives);
  t.after(() => tessera.stop());
  return { redisPort: redis.port, tesseraPort: tessera.server.boundPort };
}

/** Same names in the same order; same values but for `varying`. */
async function compare(pair: Pair, varying: ReadonlySet<string>): Promise<void> {
  const expected = await persistenceFields(pair.redisPort);
  const actual = await persistenceFields(pair.tesseraPort);
  assert.deepEqual(
    actual.map(([name]) => name),
    expected.map(([name]) => name),
    'the same fields in the same order',
  );
  const stable = (fields: Array<[string, string]>) => fields.filter(([name]) => !varying.has(name));
  assert.deepEqual(stable(actual), stable(expected), 'the same values');
}

async function onBoth(pair: Pair, ...argv: string[]): Promise<void> {
  for (const port of [pair.redisPort, pair.tesseraPort]) {
    const client = await RawClient.connect(port);
    try {
      const reply = await client.call(...argv);
      assert.notEqual(reply.type, 'error', `${argv.join(' ')} on ${port}`);
    } finally {
      client.close();
    }
  }
}

test('INFO persistence with appendonly yes: the fields of redis-server 7.0, in its order', async (t) => {
  const pair = await startPair(t, 'yes', ['--appendfsync', 'everysec']);
  await compare(pair, VARYING);
  // The incr files hold the same bytes: aof_current_size agrees too.
  for (let i = 0; i < 20; i++) await onBoth(pair, 'SET', `key:${i}`, 'x'.repeat(i));
  await onBoth(pair, 'SELECT', '3');
  await compare(pair, new Set(['rdb_last_save_time']));
});

test('INFO persistence during a BGREWRITEAOF: the fields of redis-server 7.0, in its order', async (t) => {
  // rdb-key-save-delay (µs per key) keeps the rewrite running while INFO is read.
  const pair = await startPair(t, 'yes', ['--rdb-key-save-delay', '100000']);
  for (let i = 0; i < 30; i++) await onBoth(pair, 'SET', `key:${i}`, 'v');
  await onBoth(pair, 'BGREWRITEAOF');
  const progress = ['current_fork_perc', 'current_save_keys_processed', 'current_save_keys_total', 'aof_current_rewrite_time_sec'];
  // Redis's child reports its copy-on-write pages as it goes; Tessera has no child (0).
  const copyOnWrite = ['current_cow_peak', 'current_cow_size', 'current_cow_size_age'];
  await compare(pair, new Set([...VARYING, ...progress, ...copyOnWrite]));
});

test('INFO persistence with appendonly no: the fields of redis-server 7.0, in its order', async (t) => {
  await compare(await startPair(t, 'no', []), VARYING);
});

/** Polls INFO persistence until it shows loading:1 (the server may not listen yet). */
async function fieldsWhileLoading(port: number): Promise<Array<[string, string]>> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      const fields = await persistenceFields(port);
      if (fields.some(([name, value]) => name === 'loading' && value === '1')) return fields;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail('no INFO with loading:1 within 10 s');
}

const LOADED_COMMANDS = 4000;
/** key-load-delay (µs per command replayed): loading takes about 4 s. */
const KEY_LOAD_DELAY_US = '1000';

test('INFO persistence while the AOF loads: the loading_* fields of redis-server 7.0, in its order', async (t) => {
  // An appendonlydir of each server, the writes in its incr file.
  const redis = await startRedisServer(['--appendonly', 'yes']);
  t.after(() => redis.stop());
  const tesseraDir = tempDir(t, 'info-loading');
  const writer = await startTesseraLoaded({ dir: tesseraDir, appendonly: 'yes' });
  for (const port of [redis.port, writer.server.boundPort]) {
    const client = await RawClient.connect(port);
    // Pipelined: both servers yield to clients once per 1024 commands replayed.
    for (let i = 0; i < LOADED_COMMANDS; i++) client.writeRaw(encodeCommand(['SET', `key:${i}`, 'v']));
    for (let i = 0; i < LOADED_COMMANDS; i++) assert.equal((await client.read()).type, 'simple');
    client.close();
  }
  await writer.stop();
  const redisDir = tempDir(t, 'info-loading-redis');
  cpSync(join(redis.dir, 'appendonlydir'), join(redisDir, 'appendonlydir'), { recursive: true });

  const port = await freePort();
  const loadingRedis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', redisDir, '--appendonly', 'yes', '--key-load-delay', KEY_LOAD_DELAY_US], { stdio: 'ignore' });
  t.after(() => stopProcess(loadingRedis));
  const loadingTessera = await startTessera({ dir: tesseraDir, appendonly: 'yes', 'key-load-delay': KEY_LOAD_DELAY_US });
  t.after(() => loadingTessera.stop());
  const loaded = loadingTessera.server.loadDataFromDisk();
  const [expected, actual] = await Promise.all([fieldsWhileLoading(port), fieldsWhileLoading(loadingTessera.server.boundPort)]);
  assert.deepEqual(
    actual.map(([name]) => name),
    expected.map(([name]) => name),
    'the same fields in the same order',
  );
  const same = ['loading', 'async_loading', 'aof_enabled', 'aof_rewrite_in_progress', 'aof_last_write_status', 'aof_buffer_length'];
  const values = (fields: Array<[string, string]>) => fields.filter(([name]) => same.includes(name));
  assert.deepEqual(values(actual), values(expected));
  await loaded;
});
