import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectIoredis, connectNodeRedis, rawClient } from '../support/clients.js';
import { replyToPlain } from '../support/raw-client.js';
import type { Reply } from '../../src/resp/reply-parser.js';
import { startTessera } from '../support/tessera.js';
import { functionRegistryOf } from '../../src/scripting/function-registry.js';

const LIBRARY = `#!lua name=counter
local function bump(keys, args)
  return redis.call('incrby', keys[1], args[1] or 1)
end
redis.register_function('bump', bump)
redis.register_function{function_name = 'peek', callback = function(keys) return redis.call('get', keys[1]) end, flags = {'no-writes'}, description = 'reads the counter'}
`;

test('ioredis: FUNCTION LOAD, FCALL, FCALL_RO, FUNCTION LIST, DELETE', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  assert.equal(await client.call('FUNCTION', 'LOAD', LIBRARY), 'counter');
  assert.equal(await client.fcall('bump', 1, 'c', 5), 5);
  assert.equal(await client.fcall('bump', 1, 'c'), 6);
  assert.equal(await client.fcall_ro('peek', 1, 'c'), '6');
  await assert.rejects(client.fcall_ro('bump', 1, 'c'), /^ReplyError: ERR Can not execute a script with write flag using \*_ro command\.$/);
  assert.deepEqual(await client.call('FUNCTION', 'LIST'), [
    [
      'library_name',
      'counter',
      'engine',
      'LUA',
      'functions',
      // Functions come in registration order here (Redis: its dict's order).
      [
        ['name', 'bump', 'description', null, 'flags', []],
        ['name', 'peek', 'description', 'reads the counter', 'flags', ['no-writes']],
      ],
    ],
  ]);
  await assert.rejects(client.call('FUNCTION', 'LOAD', LIBRARY), /Library 'counter' already exists/);
  assert.equal(await client.call('FUNCTION', 'LOAD', 'REPLACE', LIBRARY.replace("'bump'", "'bump2'")), 'counter');
  await assert.rejects(client.fcall('bump', 1, 'c'), /^ReplyError: ERR Function not found$/);
  assert.equal(await client.call('FUNCTION', 'DELETE', 'counter'), 'OK');
  await assert.rejects(client.fcall('bump2', 1, 'c'), /Function not found/);
});

test('node-redis: FUNCTION DUMP / FLUSH / RESTORE round trip, and errors keep Redis texts', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectNodeRedis(t, node.port);
  assert.equal(await client.functionLoad(LIBRARY), 'counter');
  const dump = await client.functionDump(client.commandOptions({ returnBuffers: true }));
  assert.equal(await client.functionFlush(), 'OK');
  await assert.rejects(client.fCall('bump', { keys: ['c'], arguments: ['2'] }), /Function not found/);
  assert.equal(await client.functionRestore(dump), 'OK');
  assert.equal(await client.fCall('bump', { keys: ['c'], arguments: ['2'] }), 2);
  await assert.rejects(client.functionRestore(dump), /Library counter already exists/);
  assert.equal(await client.sendCommand(['FUNCTION', 'RESTORE', dump, 'REPLACE']), 'OK');
  await assert.rejects(client.fCall('bump', { keys: ['c'], arguments: ['x'] }), /ERR value is not an integer or out of range script: bump, on @user_function:3\./);
  const stats = await client.sendCommand(['FUNCTION', 'STATS']);
  assert.deepEqual(stats, ['running_script', null, 'engines', ['LUA', ['libraries_count', 1, 'functions_count', 2]]]);
});

test('RESP3: FUNCTION LIST is maps with a set of flags, FUNCTION STATS a map with null', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await rawClient(t, node.port);
  await client.call('HELLO', '3');
  await client.call('FUNCTION', 'LOAD', LIBRARY);
  const list = await client.call('FUNCTION', 'LIST', 'LIBRARYNAME', 'COUNT*');
  assert.equal(list.type, 'array');
  const libraries = (list as { value: Reply[] }).value;
  assert.equal(libraries.length, 1);
  const library = libraries[0] as Reply;
  assert.equal(library.type, 'map');
  const text = JSON.stringify(replyToPlain(list));
  assert.match(text, /reads the counter/);
  assert.match(text, /no-writes/);
  const stats = await client.call('FUNCTION', 'STATS');
  assert.equal(stats.type, 'map');
});

test('the registry API for persistence: library codes out, libraries in', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const registry = functionRegistryOf(node.server);
  assert.equal(registry.loadLibrary(LIBRARY), 'counter');
  assert.deepEqual(registry.libraryCodes(), [LIBRARY]);
  assert.throws(() => registry.loadLibrary(LIBRARY), /Library 'counter' already exists/);
  assert.equal(registry.loadLibrary(LIBRARY, { replace: true }), 'counter');
  const client = await connectIoredis(t, node.port);
  assert.equal(await client.fcall('bump', 1, 'n', 3), 3);
});
