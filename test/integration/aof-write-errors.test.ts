import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rawClient } from '../support/clients.js';
import { FaultyAofFileOps } from '../support/faulty-aof-file-ops.js';
import { readLastIncr, startTesseraLoaded, tempDir } from '../support/aof-files.js';
import { replyToPlain, type RawClient } from '../support/raw-client.js';

const ENOSPC_REFUSAL = 'MISCONF Errors writing to the AOF file: No space left on device';

async function startNode(t: TestContext, directives: Record<string, string>) {
  const dir = tempDir(t, 'aof-write-errors');
  const node = await startTesseraLoaded({ dir, appendonly: 'yes', ...directives });
  t.after(() => node.stop());
  const ops = new FaultyAofFileOps();
  node.server.aof.useFileOps(ops);
  const client = await rawClient(t, node.port);
  return { node, ops, client, aofDir: join(dir, 'appendonlydir') };
}

/** A reply as a string (simple, bulk), a number (integer), or { error }. */
async function call(client: RawClient, ...argv: string[]): Promise<unknown> {
  const reply = await client.call(...argv);
  if (reply.type === 'simple' || reply.type === 'bulk' || reply.type === 'verbatim') return reply.value;
  if (reply.type === 'integer') return Number(reply.value);
  if (reply.type === 'error') return { error: reply.value };
  return replyToPlain(reply);
}

async function infoField(client: RawClient, name: string): Promise<string | undefined> {
  const text = String(await call(client, 'INFO', 'persistence'));
  return new RegExp(`^${name}:(.*)\r$`, 'm').exec(text)?.[1];
}

async function pollUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a failed AOF write refuses writes and PING with -MISCONF until a retry goes through (everysec)', async (t) => {
  const { node, ops, client, aofDir } = await startNode(t, { appendfsync: 'everysec' });
  assert.equal(await call(client, 'SET', 'before', '1'), 'OK');
  const queuing = await rawClient(t, node.port);
  assert.equal(await call(queuing, 'MULTI'), 'OK');
  assert.equal(await call(queuing, 'SET', 'queued', '1'), 'QUEUED');
  ops.writeFailure = 'ENOSPC';
  // The write whose AOF write fails is acknowledged (Redis too: its reply is already queued).
  assert.equal(await call(client, 'SET', 'lost-for-now', '2'), 'OK');
  assert.equal(await infoField(client, 'aof_last_write_status'), 'err');
  assert.notEqual(await infoField(client, 'aof_buffer_length'), '0');
  const refused = { error: ENOSPC_REFUSAL };
  // EXEC of writes queued before the error: Redis's execCommandAbort.
  assert.deepEqual(await call(queuing, 'EXEC'), { error: `EXECABORT Transaction discarded because of: ${ENOSPC_REFUSAL}` });
  assert.equal(await call(queuing, 'GET', 'queued'), null, 'the transaction is gone');
  assert.deepEqual(await call(client, 'SET', 'refused', '3'), refused);
  assert.deepEqual(await call(client, 'PING'), refused);
  assert.deepEqual(await call(client, 'EVAL', "return redis.call('set', 'x', '1')", '0'), {
    error: `${ENOSPC_REFUSAL} script: a22335312368ca3ce990a8254cce543809e8ea73, on @user_script:1.`,
  });
  assert.deepEqual(await call(client, 'EVAL', "return redis.pcall('set', 'x', '1')", '0'), refused);
  assert.deepEqual(await call(client, 'EVAL', "#!lua\nreturn 1", '0'), refused);
  assert.equal(await call(client, 'EVAL', "#!lua flags=no-writes\nreturn 1", '0'), 1);
  assert.equal(await call(client, 'GET', 'lost-for-now'), '2', 'reads are served');
  assert.equal(await call(client, 'MULTI'), 'OK');
  assert.deepEqual(await call(client, 'SET', 'in-multi', '1'), refused);
  assert.deepEqual(await call(client, 'EXEC'), { error: 'EXECABORT Transaction discarded because of previous errors.' });
  assert.equal(await call(client, 'EXISTS', 'refused'), 0);

  ops.writeFailure = undefined;
  // The tick retries the buffered bytes once a second (Redis's serverCron), without a new write.
  await pollUntil(async () => (await infoField(client, 'aof_last_write_status')) === 'ok', 5000, 'the write error clears');
  assert.equal(await infoField(client, 'aof_buffer_length'), '0');
  assert.equal(await call(client, 'SET', 'after', '4'), 'OK');
  assert.equal(await call(client, 'PING'), 'PONG');
  assert.deepEqual(
    readLastIncr(aofDir).filter((argv) => argv[0] === 'SET').map((argv) => argv[1]),
    ['before', 'lost-for-now', 'after'],
  );
});

test('a short write is cut off the file; the retried command lands whole', async (t) => {
  const { ops, client, aofDir } = await startNode(t, { appendfsync: 'no' });
  assert.equal(await call(client, 'SET', 'a', '1'), 'OK');
  ops.writeFailure = 'EFBIG';
  ops.writeBytesBeforeFailure = 7;
  assert.equal(await call(client, 'SET', 'b', '2'), 'OK');
  assert.equal(ops.truncates.length, 1);
  assert.deepEqual(await call(client, 'SET', 'c', '3'), { error: ENOSPC_REFUSAL });
  assert.deepEqual(readLastIncr(aofDir).map((argv) => argv[0]), ['SELECT', 'SET'], 'the file holds no partial command');
  ops.writeFailure = undefined;
  await pollUntil(async () => (await infoField(client, 'aof_last_write_status')) === 'ok', 5000, 'the write error clears');
  assert.deepEqual(readLastIncr(aofDir).map((argv) => argv.join(' ')), ['SELECT 0', 'SET a 1', 'SET b 2']);
});

test('a failed background fsync refuses writes with its errno until an fsync succeeds', async (t) => {
  const { ops, client } = await startNode(t, { appendfsync: 'everysec' });
  ops.fsyncFailure = 'EIO';
  assert.equal(await call(client, 'SET', 'a', '1'), 'OK');
  await pollUntil(async () => (await infoField(client, 'aof_last_write_status')) === 'err', 5000, 'the fsync fails');
  assert.deepEqual(await call(client, 'SET', 'b', '2'), { error: 'MISCONF Errors writing to the AOF file: Input/output error' });
  ops.fsyncFailure = undefined;
  await pollUntil(async () => (await infoField(client, 'aof_last_write_status')) === 'ok', 5000, 'an fsync succeeds');
  assert.equal(await call(client, 'SET', 'b', '2'), 'OK');
});

test('appendonly no accepts writes again, INFO keeps the error; appendonly yes clears it', async (t) => {
  const { ops, client } = await startNode(t, { appendfsync: 'everysec' });
  ops.writeFailure = 'ENOSPC';
  assert.equal(await call(client, 'SET', 'a', '1'), 'OK');
  assert.deepEqual(await call(client, 'SET', 'a', '2'), { error: ENOSPC_REFUSAL });
  assert.equal(await call(client, 'CONFIG', 'SET', 'appendonly', 'no'), 'OK');
  assert.equal(await call(client, 'SET', 'a', '2'), 'OK');
  assert.equal(await infoField(client, 'aof_last_write_status'), 'err');
  ops.writeFailure = undefined;
  assert.equal(await call(client, 'CONFIG', 'SET', 'appendonly', 'yes'), 'OK');
  assert.equal(await infoField(client, 'aof_last_write_status'), 'ok');
  assert.equal(await call(client, 'SET', 'a', '3'), 'OK');
});

async function rewriteWhileCounting(t: TestContext, directives: Record<string, string>, background: 'BGREWRITEAOF' | 'BGSAVE') {
  const { node, ops, client } = await startNode(t, { 'rdb-key-save-delay': '2000', ...directives });
  for (let i = 0; i < 200; i++) assert.equal(await call(client, 'SET', `key:${i}`, 'v'), 'OK');
  const fsyncsBefore = ops.fsyncs;
  assert.match(String(await call(client, background)), /started/);
  for (let i = 0; i < 5; i++) assert.equal(await call(client, 'SET', `during:${i}`, 'v'), 'OK');
  const running = background === 'BGREWRITEAOF' ? node.server.aof.rewriteInProgress : node.server.persistence.bgsaveInProgress;
  assert.equal(running, true, `${background} still runs after the writes (rdb-key-save-delay)`);
  const fsyncsDuring = ops.fsyncs - fsyncsBefore;
  await pollUntil(async () => !(background === 'BGREWRITEAOF' ? node.server.aof.rewriteInProgress : node.server.persistence.bgsaveInProgress), 10_000, `${background} ends`);
  const fsyncsAtEnd = ops.fsyncs;
  assert.equal(await call(client, 'SET', 'after', 'v'), 'OK');
  return { fsyncsDuring, fsyncsAfter: ops.fsyncs - fsyncsAtEnd };
}

test('no-appendfsync-on-rewrite yes: no AOF fsync while BGREWRITEAOF or BGSAVE runs (always)', async (t) => {
  for (const background of ['BGREWRITEAOF', 'BGSAVE'] as const) {
    const skipped = await rewriteWhileCounting(t, { appendfsync: 'always', 'no-appendfsync-on-rewrite': 'yes' }, background);
    assert.equal(skipped.fsyncsDuring, 0, `${background}: skipped`);
    assert.ok(skipped.fsyncsAfter >= 1, `${background}: fsyncs again after it`);
  }
  const synced = await rewriteWhileCounting(t, { appendfsync: 'always', 'no-appendfsync-on-rewrite': 'no' }, 'BGREWRITEAOF');
  assert.ok(synced.fsyncsDuring >= 5, `one fsync per write turn with the default (${synced.fsyncsDuring})`);
});
