import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, replyToPlain } from '../support/raw-client.js';
import { startTessera } from '../support/tessera.js';
import type { Reply } from '../../src/resp/reply-parser.js';

async function connect(t: TestContext, port: number): Promise<RawClient> {
  const client = await RawClient.connect(port);
  t.after(() => client.close());
  return client;
}

test('SLOWLOG GET returns entries newest first: id, timestamp, duration, argv, addr, name', async (t) => {
  const node = await startTessera({ 'slowlog-log-slower-than': '0' });
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  await client.call('CLIENT', 'SETNAME', 'tester');
  await client.call('SET', 'k', 'v');
  const addr = /addr=(\S+)/.exec(((await client.call('CLIENT', 'INFO')) as { value: string }).value)?.[1];
  const reply = (await client.call('SLOWLOG', 'GET', '2')) as { type: string; value: Reply[] };
  assert.equal(reply.type, 'array');
  assert.equal(reply.value.length, 2);
  const [entry] = reply.value as Array<{ value: Reply[] }>;
  const fields = entry?.value ?? [];
  assert.equal(fields.length, 6);
  const [id, timestamp, duration, argv, address, name] = fields;
  assert.equal(id?.type, 'integer');
  assert.ok(Math.abs(Number((timestamp as { value: bigint }).value) - Date.now() / 1000) < 5);
  assert.equal(duration?.type, 'integer');
  assert.deepEqual(replyToPlain(argv as Reply), { array: [{ bulk: 'CLIENT' }, { bulk: 'INFO' }] });
  assert.deepEqual(address, { type: 'bulk', value: addr });
  assert.deepEqual(name, { type: 'bulk', value: 'tester' });
  const len = (await client.call('SLOWLOG', 'LEN')) as { value: bigint };
  assert.ok(len.value >= 3n);
  assert.deepEqual(await client.call('SLOWLOG', 'RESET'), { type: 'simple', value: 'OK' });
  // The RESET itself is logged after it ran.
  assert.deepEqual(await client.call('SLOWLOG', 'LEN'), { type: 'integer', value: 1n });
});

test('SLOWLOG GET count errors and defaults match Redis', async (t) => {
  const node = await startTessera({ 'slowlog-log-slower-than': '0' });
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  for (let i = 0; i < 12; i++) await client.call('PING');
  assert.equal(((await client.call('SLOWLOG', 'GET')) as { value: Reply[] }).value.length, 10);
  assert.ok(((await client.call('SLOWLOG', 'GET', '-1')) as { value: Reply[] }).value.length >= 13);
  assert.deepEqual(await client.call('SLOWLOG', 'GET', '-2'), { type: 'error', value: 'ERR count should be greater than or equal to -1' });
  assert.deepEqual(await client.call('SLOWLOG', 'GET', 'x'), { type: 'error', value: 'ERR count should be greater than or equal to -1' });
  assert.deepEqual(await client.call('SLOWLOG', 'GET', '1', '2'), {
    type: 'error',
    value: "ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.",
  });
});

test('MEMORY USAGE estimates a key, null for a missing one; TIME and LASTSAVE', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  await client.call('SET', 'short', 'v');
  await client.call('SET', 'long', 'x'.repeat(1000));
  const small = Number(((await client.call('MEMORY', 'USAGE', 'short')) as { value: bigint }).value);
  const large = Number(((await client.call('MEMORY', 'USAGE', 'long', 'SAMPLES', '0')) as { value: bigint }).value);
  assert.ok(small > 0 && large >= small + 990, `${small} ${large}`);
  assert.deepEqual(await client.call('MEMORY', 'USAGE', 'missing'), { type: 'null' });
  assert.deepEqual(await client.call('MEMORY', 'USAGE', 'short', 'SAMPLES', '-1'), { type: 'error', value: 'ERR syntax error' });
  assert.deepEqual(await client.call('MEMORY', 'USAGE', 'short', 'FOO'), { type: 'error', value: 'ERR syntax error' });
  const time = (await client.call('TIME')) as { value: Array<{ value: string }> };
  assert.ok(Math.abs(Number(time.value[0]?.value) - Date.now() / 1000) < 5);
  assert.match(time.value[1]?.value ?? '', /^\d{1,6}$/);
  const lastsave = (await client.call('LASTSAVE')) as { type: string; value: bigint };
  assert.equal(lastsave.type, 'integer');
});
