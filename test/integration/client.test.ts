import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { connectIoredis, connectNodeRedis } from '../support/clients.js';
import { RawClient } from '../support/raw-client.js';
import { startTessera } from '../support/tessera.js';
import type { Reply } from '../../src/resp/reply-parser.js';

async function connect(t: TestContext, port: number): Promise<RawClient> {
  const client = await RawClient.connect(port);
  t.after(() => client.close());
  return client;
}

function str(reply: Reply): string {
  if (reply.type === 'bulk' || reply.type === 'verbatim' || reply.type === 'simple' || reply.type === 'error') return reply.value;
  throw new Error(`expected a string reply, got ${JSON.stringify(reply)}`);
}

const LINE_FIELDS = [
  'id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi', 'qbuf', 'qbuf-free', 'argv-mem',
  'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem', 'events', 'cmd', 'user', 'redir', 'resp',
];

function parseLine(line: string): Map<string, string> {
  return new Map(line.split(' ').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

test('CLIENT ID, SETNAME, GETNAME and INFO describe the calling connection', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  const id = await client.call('CLIENT', 'ID');
  assert.equal(id.type, 'integer');
  assert.deepEqual(await client.call('CLIENT', 'GETNAME'), { type: 'null' });
  assert.deepEqual(await client.call('CLIENT', 'SETNAME', 'worker-1'), { type: 'simple', value: 'OK' });
  assert.deepEqual(await client.call('CLIENT', 'GETNAME'), { type: 'bulk', value: 'worker-1' });
  assert.equal(str(await client.call('CLIENT', 'SETNAME', 'a b')), 'ERR Client names cannot contain spaces, newlines or special characters.');
  const info = str(await client.call('CLIENT', 'INFO'));
  assert.ok(info.endsWith('\n'));
  const line = parseLine(info.trimEnd());
  assert.deepEqual([...line.keys()], LINE_FIELDS);
  assert.equal(line.get('id'), String((id as { value: bigint }).value));
  assert.equal(line.get('name'), 'worker-1');
  assert.equal(line.get('cmd'), 'client|info');
  assert.equal(line.get('laddr'), `127.0.0.1:${node.port}`);
  assert.equal(line.get('flags'), 'N');
  assert.equal(line.get('resp'), '2');
  await client.call('CLIENT', 'SETNAME', '');
  assert.deepEqual(await client.call('CLIENT', 'GETNAME'), { type: 'null' });
});

test('CLIENT LIST shows every client, filters by TYPE and ID, and rejects bad filters', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const a = await connect(t, node.port);
  const b = await connect(t, node.port);
  const bId = String((await b.call('CLIENT', 'ID') as { value: bigint }).value);
  const all = str(await a.call('CLIENT', 'LIST')).split('\n').filter((line) => line !== '');
  assert.equal(all.length, 2);
  assert.equal(str(await a.call('CLIENT', 'LIST', 'TYPE', 'normal')).split('\n').length, 3);
  assert.equal(str(await a.call('CLIENT', 'LIST', 'TYPE', 'pubsub')), '');
  const one = str(await a.call('CLIENT', 'LIST', 'ID', bId, '999'));
  assert.equal(parseLine(one.trimEnd()).get('id'), bId);
  assert.equal(str(await a.call('CLIENT', 'LIST', 'TYPE', 'foo')), "ERR Unknown client type 'foo'");
  assert.equal(str(await a.call('CLIENT', 'LIST', 'ID', 'abc')), 'ERR Invalid client ID');
  assert.equal(str(await a.call('CLIENT', 'LIST', 'foo')), 'ERR syntax error');
});

test('CLIENT KILL by address, by ID, and SKIPME', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const killer = await connect(t, node.port);
  const victim = await connect(t, node.port);
  const victimLine = parseLine(str(await victim.call('CLIENT', 'INFO')).trimEnd());
  assert.deepEqual(await killer.call('CLIENT', 'KILL', victimLine.get('addr') as string), { type: 'simple', value: 'OK' });
  await victim.waitClosed();
  assert.equal(str(await killer.call('CLIENT', 'KILL', '1.2.3.4:5')), 'ERR No such client');

  const second = await connect(t, node.port);
  const secondId = String((await second.call('CLIENT', 'ID') as { value: bigint }).value);
  assert.deepEqual(await killer.call('CLIENT', 'KILL', 'ID', secondId), { type: 'integer', value: 1n });
  await second.waitClosed();
  // SKIPME yes (the default) spares the caller; SKIPME no does not.
  assert.deepEqual(await killer.call('CLIENT', 'KILL', 'USER', 'default'), { type: 'integer', value: 0n });
  assert.deepEqual(await killer.call('CLIENT', 'KILL', 'USER', 'default', 'SKIPME', 'no'), { type: 'integer', value: 1n });
  await killer.waitClosed();
});

test('CLIENT KILL errors match Redis 7.0', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  assert.equal(str(await client.call('CLIENT', 'KILL', 'ID', 'abc')), 'ERR client-id should be greater than 0');
  assert.equal(str(await client.call('CLIENT', 'KILL', 'ID', '0')), 'ERR client-id should be greater than 0');
  assert.equal(str(await client.call('CLIENT', 'KILL', 'TYPE', 'foo')), "ERR Unknown client type 'foo'");
  assert.equal(str(await client.call('CLIENT', 'KILL', 'USER', 'nobody')), "ERR No such user 'nobody'");
  assert.equal(str(await client.call('CLIENT', 'KILL', 'ADDR', 'x', 'SKIPME', 'maybe')), 'ERR syntax error');
  assert.equal(str(await client.call('CLIENT', 'KILL', 'MAXAGE', '10')), 'ERR syntax error');
  assert.equal(str(await client.call('CLIENT', 'KILL', 'ID', '1', 'TYPE')), 'ERR syntax error');
  assert.deepEqual(await client.call('CLIENT', 'KILL', 'LADDR', '1.1.1.1:1'), { type: 'integer', value: 0n });
});

test('CLIENT PAUSE WRITE holds writes but not reads until UNPAUSE', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const admin = await connect(t, node.port);
  const writer = await connect(t, node.port);
  assert.deepEqual(await admin.call('CLIENT', 'PAUSE', '60000', 'WRITE'), { type: 'simple', value: 'OK' });
  const held = writer.call('SET', 'k', 'v');
  let done = false;
  void held.then(() => (done = true));
  assert.deepEqual(await admin.call('GET', 'k'), { type: 'null' });
  assert.equal(done, false);
  assert.deepEqual(await admin.call('CLIENT', 'UNPAUSE'), { type: 'simple', value: 'OK' });
  assert.deepEqual(await held, { type: 'simple', value: 'OK' });
  assert.deepEqual(await admin.call('GET', 'k'), { type: 'bulk', value: 'v' });
});

test('CLIENT PAUSE errors match Redis 7.0', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  assert.equal(str(await client.call('CLIENT', 'PAUSE', 'abc')), 'ERR timeout is not an integer or out of range');
  assert.equal(str(await client.call('CLIENT', 'PAUSE', '-1')), 'ERR timeout is negative');
  assert.equal(str(await client.call('CLIENT', 'PAUSE', '10', 'FOO')), 'ERR CLIENT PAUSE mode must be WRITE or ALL');
  assert.equal(str(await client.call('CLIENT', 'PAUSE', '10', 'ALL', 'x')), "ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.");
});

test('CLIENT REPLY OFF and SKIP silence replies; NO-EVICT takes ON|OFF', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  client.writeRaw('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n*2\r\n$4\r\nPING\r\n$1\r\na\r\n*2\r\n$4\r\nPING\r\n$1\r\nb\r\n');
  assert.deepEqual(await client.read(), { type: 'bulk', value: 'b' });
  client.writeRaw('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n*2\r\n$4\r\nPING\r\n$1\r\nc\r\n');
  assert.deepEqual(await client.call('CLIENT', 'REPLY', 'ON'), { type: 'simple', value: 'OK' });
  assert.equal(str(await client.call('CLIENT', 'REPLY', 'FOO')), 'ERR syntax error');
  assert.deepEqual(await client.call('CLIENT', 'NO-EVICT', 'on'), { type: 'simple', value: 'OK' });
  assert.equal(str(await client.call('CLIENT', 'NO-EVICT', 'maybe')), 'ERR syntax error');
});

test('CLIENT HELP and unknown subcommands', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  const help = await client.call('CLIENT', 'HELP');
  assert.equal(help.type, 'array');
  assert.deepEqual((help as { value: Reply[] }).value[0], { type: 'simple', value: 'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:' });
  assert.equal(str(await client.call('CLIENT', 'NOPE')), "ERR unknown subcommand 'NOPE'. Try CLIENT HELP.");
  assert.equal(str(await client.call('CLIENT', 'GETNAME', 'x')), "ERR wrong number of arguments for 'client|getname' command");
});

test('node-redis and ioredis parse CLIENT LIST, CLIENT INFO and INFO', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const nodeRedis = await connectNodeRedis(t, node.port);
  const list = await nodeRedis.clientList();
  assert.equal(list.length, 1);
  assert.equal(list[0]?.cmd, 'client|list');
  const info = await nodeRedis.clientInfo();
  assert.equal(info.laddr, `127.0.0.1:${node.port}`);
  const ioredis = await connectIoredis(t, node.port);
  assert.match(String(await ioredis.client('LIST')), /^id=\d+ addr=/m);
  assert.match(await ioredis.info('server'), /^redis_version:7\.0\.15\r$/m);
});
