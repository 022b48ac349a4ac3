/**
 * A node that loses a slot still holding keys (another node claims it with a greater
 * configEpoch) deletes those keys and writes a DEL for each to its AOF, so a restart from the
 * AOF does not bring them back (Redis 7.2's delKeysInSlot; 7.0.15 did not propagate). No
 * keyspace event is published for them, as in Redis. Two in-process nodes over the real bus.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { keyHashSlot } from '../../src/lib/hash-slot.js';
import type { Reply } from '../../src/resp/reply-parser.js';
import { readLastIncr, startTesseraLoaded, tempDir } from '../support/aof-files.js';
import { rawClient } from '../support/clients.js';
import type { RawClient } from '../support/raw-client.js';
import { startTessera, type InProcessNode } from '../support/tessera.js';

const WAIT_MS = 10_000;

function text(reply: Reply): string {
  return 'value' in reply ? String(reply.value) : '';
}

async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  // Bounded by the deadline.
  while (!(await probe())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function ok(client: RawClient, ...argv: string[]): Promise<void> {
  assert.deepEqual(await client.call(...argv), { type: 'simple', value: 'OK' }, argv.join(' '));
}

async function startNodeA(t: TestContext, dir: string): Promise<InProcessNode> {
  const node = await startTesseraLoaded({ 'cluster-enabled': 'yes', dir, appendonly: 'yes', 'notify-keyspace-events': 'Eg' });
  t.after(() => node.stop());
  return node;
}

test('keys of a slot taken by a greater configEpoch are deleted and DELs reach the AOF', async (t) => {
  const LOST = keyHashSlot('b');
  const KEPT = keyHashSlot('c');
  assert.ok(LOST < 8192 && KEPT < 8192 && LOST !== KEPT, 'both slots start on A');
  const dirA = tempDir(t, 'lost-slot-a');
  const a = await startNodeA(t, dirA);
  const b = await startTessera({ 'cluster-enabled': 'yes', dir: tempDir(t, 'lost-slot-b') });
  t.after(() => b.stop());
  const clientA = await rawClient(t, a.port);
  const clientB = await rawClient(t, b.port);
  const idA = text(await clientA.call('CLUSTER', 'MYID'));
  const idB = text(await clientB.call('CLUSTER', 'MYID'));
  await ok(clientA, 'CLUSTER', 'ADDSLOTSRANGE', '0', '8191');
  await ok(clientB, 'CLUSTER', 'ADDSLOTSRANGE', '8192', '16383');
  await ok(clientA, 'CLUSTER', 'MEET', '127.0.0.1', String(b.port), String(b.server.cluster!.busPort));
  await until('both nodes to say cluster_state:ok', async () => {
    const infos = await Promise.all([clientA.call('CLUSTER', 'INFO'), clientB.call('CLUSTER', 'INFO')]);
    return infos.every((info) => text(info).includes('cluster_state:ok'));
  });
  for (const key of ['b', '{b}x', 'c']) await ok(clientA, 'SET', key, `value of ${key}`);

  const subscriber = await rawClient(t, a.port);
  await subscriber.call('SUBSCRIBE', '__keyevent@0__:del');
  const watcher = await rawClient(t, a.port);
  await ok(watcher, 'WATCH', 'b');

  // B takes the slot by hand (as redis-cli does at the end of a resharding): it bumps its
  // configEpoch, so A gives the slot up and drops its keys.
  await ok(clientB, 'CLUSTER', 'SETSLOT', String(LOST), 'IMPORTING', idA);
  await ok(clientB, 'CLUSTER', 'SETSLOT', String(LOST), 'NODE', idB);
  await until('A to hand the slot over and drop its keys', async () => text(await clientA.call('DBSIZE')) === '1');
  assert.deepEqual(await clientA.call('GET', 'b'), { type: 'error', value: `MOVED ${LOST} 127.0.0.1:${b.port}` });
  assert.equal(text(await clientA.call('GET', 'c')), 'value of c');

  // The first del event the subscriber gets is the one after the drop: none for dropped keys.
  await ok(clientA, 'SET', '{c}probe', '1');
  assert.deepEqual(await clientA.call('DEL', '{c}probe'), { type: 'integer', value: 1n });
  const event = await subscriber.read();
  assert.equal(event.type, 'array');
  assert.deepEqual(event.type === 'array' ? event.value.map(text) : [], ['message', '__keyevent@0__:del', '{c}probe']);

  // A WATCHed dropped key aborts the transaction.
  await ok(watcher, 'MULTI');
  assert.deepEqual(await watcher.call('GET', 'c'), { type: 'simple', value: 'QUEUED' });
  assert.equal((await watcher.call('EXEC')).type, 'null');

  const aofDir = join(dirA, 'appendonlydir');
  await until('the AOF to hold the DELs', async () => readLastIncr(aofDir).some((argv) => argv[0] === 'DEL' && argv[1] === '{c}probe'));
  const commands = readLastIncr(aofDir).filter((argv) => argv[0] !== 'SELECT');
  const dels = commands.filter((argv) => argv[0] === 'DEL' && argv[1] !== '{c}probe');
  assert.deepEqual(dels.map((argv) => argv[1]).sort(), ['b', '{b}x']);
  assert.ok(!commands.some((argv) => argv[0] === 'MULTI'), 'each DEL on its own, as Redis propagates them');

  // Restarted from its AOF, A does not bring the dropped keys back.
  subscriber.close();
  watcher.close();
  clientA.close();
  await a.stop();
  const again = await startNodeA(t, dirA);
  const clientAgain = await rawClient(t, again.port);
  assert.equal(text(await clientAgain.call('DBSIZE')), '1');
  assert.equal(text(await clientAgain.call('CLUSTER', 'COUNTKEYSINSLOT', String(LOST))), '0');
});
