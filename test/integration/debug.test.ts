import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../support/raw-client.js';
import { startTessera, startTesseraProcess } from '../support/tessera.js';
import type { Reply } from '../../src/resp/reply-parser.js';

async function connect(t: TestContext, port: number): Promise<RawClient> {
  const client = await RawClient.connect(port);
  t.after(() => client.close());
  return client;
}

function str(reply: Reply): string {
  if (reply.type === 'error' || reply.type === 'bulk' || reply.type === 'simple') return reply.value;
  throw new Error(`expected a string reply, got ${JSON.stringify(reply)}`);
}

const DEBUG = { 'enable-debug-command': 'local' };

test('DEBUG is refused while enable-debug-command is no (the default)', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  assert.match(str(await client.call('DEBUG', 'HELP')), /^ERR DEBUG command not allowed\. If the enable-debug-command option is set to "local"/);
});

test('DEBUG SLEEP really blocks the node: another client waits', async (t) => {
  // A real process: an in-process node would block this test's event loop too, proving nothing.
  const node = await startTesseraProcess(['--enable-debug-command', 'local']);
  t.after(() => node.stop());
  const sleeper = await connect(t, node.port);
  const other = await connect(t, node.port);
  const sleeping = sleeper.call('DEBUG', 'SLEEP', '0.6');
  // Nothing observable says "the node is asleep now" (it answers nobody): give the command
  // 150 ms to arrive, far less than the sleep.
  await new Promise((resolve) => setTimeout(resolve, 150));
  const pingSentMs = performance.now();
  assert.deepEqual(await other.call('PING'), { type: 'simple', value: 'PONG' });
  const waitedMs = performance.now() - pingSentMs;
  assert.deepEqual(await sleeping, { type: 'simple', value: 'OK' });
  assert.ok(waitedMs >= 250, `PING answered after ${waitedMs} ms`);
  assert.deepEqual(await sleeper.call('DEBUG', 'SLEEP', 'x'), { type: 'simple', value: 'OK' });
});

test('DEBUG SET-ACTIVE-EXPIRE 0 stops the active expiry cycle, 1 restarts it', async (t) => {
  const node = await startTessera({ ...DEBUG, hz: '100' });
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  assert.deepEqual(await client.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), { type: 'simple', value: 'OK' });
  const db = node.server.keyspace.db(0);
  db.set('k', 'v');
  db.setExpireAtMs('k', Date.now() - 1);
  node.server.tick();
  assert.equal(db.size, 1, 'key still stored: active expiry is off');
  await client.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
  node.server.tick();
  assert.equal(db.size, 0);
  assert.equal(node.server.keyspace.expiredKeys, 1);
});

test('DEBUG OBJECT prints Redis\'s line; unknown subcommands get Redis\'s error', async (t) => {
  const node = await startTessera(DEBUG);
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  await client.call('SET', 'foo', 'bar');
  await client.call('SET', 'n', '123');
  assert.match(
    str(await client.call('DEBUG', 'OBJECT', 'foo')),
    /^Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:4 lru:\d+ lru_seconds_idle:\d+$/,
  );
  assert.match(str(await client.call('DEBUG', 'OBJECT', 'n')), /refcount:2147483647 encoding:int serializedlength:2 /);
  assert.equal(str(await client.call('DEBUG', 'OBJECT', 'nokey')), 'ERR no such key');
  assert.equal(str(await client.call('DEBUG', 'NOSUCH')), "ERR unknown subcommand or wrong number of arguments for 'NOSUCH'. Try DEBUG HELP.");
  assert.equal(str(await client.call('DEBUG', 'OBJECT')), "ERR unknown subcommand or wrong number of arguments for 'OBJECT'. Try DEBUG HELP.");
  const help = (await client.call('DEBUG', 'HELP')) as { value: Reply[] };
  assert.equal(str(help.value[0] as Reply), 'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
});
