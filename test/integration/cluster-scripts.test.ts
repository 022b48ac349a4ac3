/**
 * Script flags on a cluster node, through real clients: a one-node Tessera cluster holding every
 * slot. Flagged scripts keep to one slot unless allow-cross-slot-keys; no-cluster never runs;
 * allow-stale parses and runs (it only matters on a stale replica). Redis's texts are pinned by
 * test/compat/cluster-scripts.test.ts against a real redis-server.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeCommand } from '../../src/resp/reply-parser.js';
import { startTesseraLoaded, tempDir } from '../support/aof-files.js';
import { connectIoredis, connectNodeRedis } from '../support/clients.js';
import { startTessera } from '../support/tessera.js';

const WAIT_MS = 10_000;
const SAME_SLOT = 'ERR Script attempted to access keys that do not hash to the same slot';

async function clusterOfOne(t: TestContext): Promise<{ port: number; ioredis: Redis }> {
  const node = await startTessera({ 'cluster-enabled': 'yes' });
  t.after(() => node.stop());
  const ioredis = await connectIoredis(t, node.port);
  assert.equal(await ioredis.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383'), 'OK');
  const deadline = Date.now() + WAIT_MS;
  // Bounded by the deadline.
  while (!String(await ioredis.call('CLUSTER', 'INFO')).includes('cluster_state:ok')) {
    if (Date.now() > deadline) assert.fail('cluster_state never became ok');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port: node.port, ioredis };
}

const setBoth = "redis.call('set', 'a', '1') return redis.call('set', 'b', '2')";

test('EVAL: shebang scripts keep to one slot unless allow-cross-slot-keys; scripts without shebang do not', async (t) => {
  const { ioredis } = await clusterOfOne(t);
  assert.equal(await ioredis.eval(setBoth, 0), 'OK');
  await assert.rejects(ioredis.eval(`#!lua\n${setBoth}`, 0), (error: Error) => error.message.startsWith(`${SAME_SLOT} script: `));
  // The declared key fixes the slot; a key with the same hash tag shares it.
  await assert.rejects(ioredis.eval("#!lua\nreturn redis.call('get', 'b')", 1, 'a'), (error: Error) => error.message.startsWith(SAME_SLOT));
  assert.equal(await ioredis.eval("#!lua\nreturn redis.call('set', '{a}x', 'y')", 1, 'a'), 'OK');
  // redis.pcall hands the error to the script as a table.
  assert.equal(await ioredis.eval("#!lua\nredis.call('get', 'a') local r = redis.pcall('get', 'b') return r['err']", 0), SAME_SLOT);
  assert.equal(await ioredis.eval(`#!lua flags=allow-cross-slot-keys\n${setBoth}`, 0), 'OK');
  assert.deepEqual(await ioredis.mget('a'), ['1']);
  await assert.rejects(ioredis.eval('#!lua flags=no-cluster\nreturn 1', 0), { message: "ERR Can not run script on cluster, 'no-cluster' flag is set." });
  assert.equal(await ioredis.eval('#!lua flags=allow-stale,no-writes\nreturn 7', 0), 7);
});

test('FCALL: function flags decide the same way (node-redis)', async (t) => {
  const { port } = await clusterOfOne(t);
  const client = await connectNodeRedis(t, port);
  const library = [
    '#!lua name=lib',
    `redis.register_function('strict', function() ${setBoth} end)`,
    `redis.register_function{function_name='cross', callback=function() ${setBoth} end, flags={'allow-cross-slot-keys'}}`,
    "redis.register_function{function_name='nocluster', callback=function() return 1 end, flags={'no-cluster'}}",
    "redis.register_function{function_name='stale', callback=function() return 'ran' end, flags={'allow-stale', 'no-writes'}}",
  ].join('\n');
  assert.equal(await client.sendCommand(['FUNCTION', 'LOAD', library]), 'lib');
  await assert.rejects(client.sendCommand(['FCALL', 'strict', '0']), (error: Error) => error.message.startsWith(`${SAME_SLOT} script: strict`));
  assert.equal(await client.sendCommand(['FCALL', 'cross', '0']), 'OK');
  await assert.rejects(client.sendCommand(['FCALL', 'nocluster', '0']), { message: "ERR Can not run script on cluster, 'no-cluster' flag is set." });
  assert.equal(await client.sendCommand(['FCALL_RO', 'stale', '0']), 'ran');
});

test('scripts replayed from the AOF are obeyed: no cluster checks while loading (Redis mustObeyClient)', async (t) => {
  // An AOF written by a Redis 6 era node (EVAL propagated as itself) or by a standalone node.
  const dir = tempDir(t, 'cluster-aof-scripts');
  const aofDir = join(dir, 'appendonlydir');
  mkdirSync(aofDir);
  writeFileSync(join(aofDir, 'appendonly.aof.manifest'), 'file appendonly.aof.1.incr.aof seq 1 type i\n');
  const commands = [
    ['SELECT', '0'],
    ['EVAL', setBoth, '0'],
    ['EVAL', "#!lua\nredis.call('set', 'c', '3') return redis.call('set', 'd', '4')", '0'],
  ];
  writeFileSync(join(aofDir, 'appendonly.aof.1.incr.aof'), Buffer.concat(commands.map((argv) => encodeCommand(argv))));
  // A fresh cluster node: no slot is assigned, so a network client could reach none of these keys.
  const node = await startTesseraLoaded({ 'cluster-enabled': 'yes', dir, appendonly: 'yes' });
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  assert.equal(await client.dbsize(), 4);
  await assert.rejects(client.get('a'), { message: `CLUSTERDOWN Hash slot not served` });
});
