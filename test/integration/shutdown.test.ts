import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { RawClient } from '../support/raw-client.js';
import { startTesseraProcess, type NodeProcess } from '../support/tessera.js';

async function start(t: TestContext): Promise<{ node: NodeProcess; client: RawClient }> {
  const node = await startTesseraProcess();
  t.after(() => node.stop());
  const client = await RawClient.connect(node.port);
  t.after(() => client.close());
  return { node, client };
}

function exitCode(node: NodeProcess): Promise<number | null> {
  if (node.process.exitCode !== null) return Promise.resolve(node.process.exitCode);
  return once(node.process, 'exit').then(([code, signal]) => (code === null ? `signal ${String(signal)}` : code) as number | null);
}

test('SHUTDOWN closes the connection without a reply and the process exits 0', async (t) => {
  const { node, client } = await start(t);
  client.writeRaw('*1\r\n$8\r\nSHUTDOWN\r\n');
  await client.waitClosed();
  assert.equal(await exitCode(node), 0);
  assert.match(node.output(), /User requested shutdown\.\.\./);
  assert.match(node.output(), /Redis is now ready to exit, bye bye\.\.\./);
});

test('SHUTDOWN SAVE writes dump.rdb, then the process exits 0', async (t) => {
  const { node, client } = await start(t);
  client.writeRaw('*2\r\n$8\r\nSHUTDOWN\r\n$4\r\nSAVE\r\n');
  await client.waitClosed();
  assert.equal(await exitCode(node), 0);
  assert.match(node.output(), /Saving the final RDB snapshot before exiting\./);
  assert.match(node.output(), /DB saved on disk/);
});

test('SHUTDOWN argument errors and ABORT match Redis 7.0', async (t) => {
  const { client } = await start(t);
  assert.deepEqual(await client.call('SHUTDOWN', 'FOO'), { type: 'error', value: 'ERR syntax error' });
  assert.deepEqual(await client.call('SHUTDOWN', 'NOSAVE', 'SAVE'), { type: 'error', value: 'ERR syntax error' });
  assert.deepEqual(await client.call('SHUTDOWN', 'ABORT', 'NOW'), { type: 'error', value: 'ERR syntax error' });
  assert.deepEqual(await client.call('SHUTDOWN', 'ABORT'), { type: 'error', value: 'ERR No shutdown in progress.' });
});

test('SIGTERM shuts the node down cleanly', async (t) => {
  const { node, client } = await start(t);
  node.process.kill('SIGTERM');
  await client.waitClosed();
  assert.equal(await exitCode(node), 0);
  assert.match(node.output(), /Received SIGTERM scheduling shutdown\.\.\./);
});
