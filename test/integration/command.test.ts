import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { connectIoredis, connectNodeRedis } from '../support/clients.js';
import { RawClient, replyToPlain } from '../support/raw-client.js';
import { startRedisServer } from '../support/redis-server-process.js';
import { startTessera } from '../support/tessera.js';
import type { Reply } from '../../src/resp/reply-parser.js';

async function connect(t: TestContext, port: number, protocol: 2 | 3 = 2): Promise<RawClient> {
  const client = await RawClient.connect(port);
  t.after(() => client.close());
  if (protocol === 3) await client.call('HELLO', '3');
  return client;
}

function str(reply: Reply): string {
  if (reply.type === 'error' || reply.type === 'bulk' || reply.type === 'simple') return reply.value;
  throw new Error(`expected a string reply, got ${JSON.stringify(reply)}`);
}

test('COMMAND INFO and COMMAND DOCS equal real Redis for the commands Tessera serves (RESP2 and RESP3)', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await startRedisServer();
  t.after(() => redis.stop());
  // Containers are compared only through subcommands both serve: Tessera lists only its own.
  const wanted = ['get', 'set', 'ping', 'echo', 'info', 'client|id', 'client|list', 'command|info', 'slowlog|get', 'memory|usage', 'debug', 'shutdown'];
  // CONFIG comes from another command group: compared as soon as this build serves it.
  const configSubs = ['config|get', 'config|set', 'config|resetstat', 'config|rewrite'];
  const served = (name: string) => node.server.commands.lookup('config')?.subcommands?.has(name.slice('config|'.length)) === true;
  const names = [...wanted, ...configSubs.filter(served)];
  for (const protocol of [2, 3] as const) {
    const ours = await connect(t, node.port, protocol);
    const theirs = await connect(t, redis.port, protocol);
    for (const name of names) {
      assert.deepEqual(replyToPlain(await ours.call('COMMAND', 'INFO', name)), replyToPlain(await theirs.call('COMMAND', 'INFO', name)), `INFO ${name} RESP${protocol}`);
      assert.deepEqual(replyToPlain(await ours.call('COMMAND', 'DOCS', name)), replyToPlain(await theirs.call('COMMAND', 'DOCS', name)), `DOCS ${name} RESP${protocol}`);
    }
    assert.deepEqual(replyToPlain(await ours.call('COMMAND', 'INFO', 'nosuch')), replyToPlain(await theirs.call('COMMAND', 'INFO', 'nosuch')));
    assert.deepEqual(replyToPlain(await ours.call('COMMAND', 'DOCS', 'nosuch')), replyToPlain(await theirs.call('COMMAND', 'DOCS', 'nosuch')));
  }
});

test('COMMAND lists only implemented commands and subcommands', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  const count = await client.call('COMMAND', 'COUNT');
  assert.deepEqual(count, { type: 'integer', value: BigInt(node.server.commands.size) });
  const all = await client.call('COMMAND');
  assert.equal(all.type, 'array');
  assert.equal((all as { value: Reply[] }).value.length, node.server.commands.size);
  const clientInfo = await client.call('COMMAND', 'INFO', 'client');
  const subs = ((clientInfo as { value: Reply[] }).value[0] as { value: Reply[] }).value[9] as { value: Reply[] };
  const subNames = subs.value.map((sub) => str((sub as { value: Reply[] }).value[0] as Reply)).sort();
  const served = [...(node.server.commands.lookup('client')?.subcommands?.keys() ?? [])].map((name) => `client|${name}`).sort();
  assert.deepEqual(subNames, served);
  assert.ok(!subNames.includes('client|tracking'), 'unimplemented subcommands are not listed');
  const list = (await client.call('COMMAND', 'LIST')) as { value: Reply[] };
  assert.ok(list.value.some((entry) => str(entry) === 'client|kill'));
  const pattern = (await client.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'slowlog*')) as { value: Reply[] };
  assert.deepEqual(pattern.value.map(str).sort(), ['slowlog', 'slowlog|get', 'slowlog|help', 'slowlog|len', 'slowlog|reset']);
  const aclcat = (await client.call('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'string')) as { value: Reply[] };
  const stringCommands = [...node.server.commands.all()].filter((c) => c.spec.aclCategories.includes('@string')).map((c) => c.spec.fullName);
  assert.ok(stringCommands.includes('get') && stringCommands.includes('set'));
  assert.deepEqual(aclcat.value.map(str).sort(), stringCommands.sort());
  assert.deepEqual(await client.call('COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x'), { type: 'array', value: [] });
  assert.equal(str(await client.call('COMMAND', 'LIST', 'FILTERBY', 'foo', 'x')), 'ERR syntax error');
});

test('COMMAND GETKEYS and GETKEYSANDFLAGS use the key specs, with Redis errors', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  assert.deepEqual(replyToPlain(await client.call('COMMAND', 'GETKEYS', 'GET', 'k')), { array: [{ bulk: 'k' }] });
  assert.deepEqual(replyToPlain(await client.call('COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'v')), {
    array: [{ array: [{ bulk: 'k' }, { array: [{ simple: 'OW' }, { simple: 'update' }] }] }],
  });
  assert.deepEqual(replyToPlain(await client.call('COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'v', 'GET')), {
    array: [{ array: [{ bulk: 'k' }, { array: [{ simple: 'RW' }, { simple: 'access' }, { simple: 'update' }] }] }],
  });
  assert.equal(str(await client.call('COMMAND', 'GETKEYS', 'nosuch', 'a')), 'ERR Invalid command specified');
  assert.equal(str(await client.call('COMMAND', 'GETKEYS', 'ping', 'x')), 'ERR The command has no key arguments');
  assert.equal(str(await client.call('COMMAND', 'GETKEYS', 'get', 'a', 'b')), 'ERR Invalid number of arguments specified for command');
  assert.equal(str(await client.call('COMMAND', 'GETKEYS', 'get')), "ERR wrong number of arguments for 'command|getkeys' command");
});

test('COMMAND HELP and unknown subcommands', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  const help = (await client.call('COMMAND', 'HELP')) as { value: Reply[] };
  assert.equal(help.value.length, 21);
  assert.equal(str(await client.call('COMMAND', 'FOO')), "ERR unknown subcommand 'FOO'. Try COMMAND HELP.");
});

test('node-redis and ioredis read COMMAND replies', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const ioredis = await connectIoredis(t, node.port);
  const all = (await ioredis.call('COMMAND')) as unknown[];
  assert.equal(all.length, node.server.commands.size);
  assert.equal(await ioredis.call('COMMAND', 'COUNT'), node.server.commands.size);
  const getInfo = (await ioredis.call('COMMAND', 'INFO', 'get')) as unknown[][];
  assert.deepEqual(getInfo[0]?.slice(0, 6), ['get', 2, ['readonly', 'fast'], 1, 1, 1]);
  const nodeRedis = await connectNodeRedis(t, node.port);
  const count = await nodeRedis.sendCommand(['COMMAND', 'COUNT']);
  assert.equal(count, node.server.commands.size);
  const keys = await nodeRedis.sendCommand(['COMMAND', 'GETKEYS', 'SET', 'a', 'b']);
  assert.deepEqual(keys, ['a']);
  const docs = await nodeRedis.sendCommand(['COMMAND', 'DOCS', 'get']);
  assert.ok(Array.isArray(docs) && docs[0] === 'get');
});
