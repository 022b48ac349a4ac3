import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectIoredis } from '../support/clients.js';
import { startTessera, type InProcessNode } from '../support/tessera.js';

// Function libraries travel in RDB files (RDB_OPCODE_FUNCTION2) and AOF bases, as in Redis 7.0.

const LIBRARY = "#!lua name=persistlib\nredis.register_function('persist_echo', function(keys, args) return args[1] end)\n";
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../src/persistence/rdb/testdata');

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-functions-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startNode(t: TestContext, directives: Record<string, string>): Promise<InProcessNode> {
  const node = await startTessera({ 'enable-debug-command': 'yes', ...directives });
  t.after(() => node.stop());
  // What the CLI does after listen: load dump.rdb or the AOF from `dir`.
  await node.server.loadDataFromDisk();
  return node;
}

test('a library loaded with FUNCTION LOAD is saved in dump.rdb and back after a restart and after DEBUG RELOAD', async (t) => {
  const dir = tempDir(t);
  const first = await startNode(t, { dir });
  const client = await connectIoredis(t, first.port);
  assert.equal(await client.call('FUNCTION', 'LOAD', LIBRARY), 'persistlib');
  await client.set('k', 'v');
  assert.equal(await client.call('DEBUG', 'RELOAD'), 'OK');
  assert.equal(await client.call('FCALL', 'persist_echo', '0', 'after-reload'), 'after-reload');
  assert.equal(await client.save(), 'OK');
  await first.stop();

  const second = await startNode(t, { dir });
  const again = await connectIoredis(t, second.port);
  assert.equal(await again.get('k'), 'v');
  assert.equal(await again.call('FCALL', 'persist_echo', '0', 'after-restart'), 'after-restart');
});

test("redis-server's function.rdb loads with its library callable", async (t) => {
  const dir = tempDir(t);
  copyFileSync(join(FIXTURES, 'function.rdb'), join(dir, 'dump.rdb'));
  const node = await startNode(t, { dir });
  const client = await connectIoredis(t, node.port);
  assert.equal(await client.get('after-function'), 'x');
  assert.equal(await client.call('FCALL', 'fixture_echo', '0', 'hello'), 'hello');
});

test('an AOF base written by BGREWRITEAOF keeps the libraries', async (t) => {
  const dir = tempDir(t);
  const first = await startNode(t, { dir, appendonly: 'yes' });
  const client = await connectIoredis(t, first.port);
  assert.equal(await client.call('FUNCTION', 'LOAD', LIBRARY), 'persistlib');
  await client.call('BGREWRITEAOF');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const info = (await client.info('persistence')) as string;
    if (info.includes('aof_rewrite_in_progress:0') && info.includes('aof_rewrite_scheduled:0') && info.includes('aof_last_bgrewrite_status:ok')) break;
    assert.ok(Date.now() < deadline, `BGREWRITEAOF did not finish within 10 s:\n${info}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await first.stop();
  const second = await startNode(t, { dir, appendonly: 'yes' });
  const again = await connectIoredis(t, second.port);
  assert.equal(await again.call('FCALL', 'persist_echo', '0', 'from-aof'), 'from-aof');
});
