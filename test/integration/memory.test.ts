import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../support/raw-client.js';
import { startRedisServer } from '../support/redis-server-process.js';
import { startTessera } from '../support/tessera.js';
import type { Reply } from '../../src/resp/reply-parser.js';

async function connect(t: TestContext, port: number): Promise<RawClient> {
  const client = await RawClient.connect(port);
  t.after(() => client.close());
  await client.call('HELLO', '3');
  return client;
}

/** Field names and reply types of a MEMORY STATS map, nested maps included. */
function shape(reply: Reply): unknown {
  if (reply.type !== 'map') return reply.type;
  return reply.value.map(([key, value]) => [(key as { value: string }).value, shape(value)]);
}

test('MEMORY STATS has Redis 7.0\'s fields, order and types', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await startRedisServer();
  t.after(() => redis.stop());
  const ours = await connect(t, node.port);
  const theirs = await connect(t, redis.port);
  await ours.call('SET', 'k', 'v');
  await theirs.call('SET', 'k', 'v');
  assert.deepEqual(shape(await ours.call('MEMORY', 'STATS')), shape(await theirs.call('MEMORY', 'STATS')));
});

test('MEMORY DOCTOR answers a verbatim text; HELP and unknown subcommands match Redis', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  const doctor = await client.call('MEMORY', 'DOCTOR');
  assert.equal(doctor.type, 'verbatim');
  assert.match((doctor as { value: string }).value, /^Hi Sam, /);
  const help = (await client.call('MEMORY', 'HELP')) as { value: Reply[] };
  assert.equal(help.value.length, 14);
  assert.deepEqual(await client.call('MEMORY', 'NOPE'), { type: 'error', value: "ERR unknown subcommand 'NOPE'. Try MEMORY HELP." });
});
