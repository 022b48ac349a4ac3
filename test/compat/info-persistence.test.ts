import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../support/raw-client.js';
import { startRedisServer } from '../support/redis-server-process.js';
import { startTesseraLoaded, tempDir } from '../support/aof-files.js';

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
