import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectIoredis } from '../support/clients.js';
import { RawClient } from '../support/raw-client.js';
import { startTessera } from '../support/tessera.js';

test('CONFIG GET answers patterns, several at once, aliases included', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  assert.deepEqual(await client.config('GET', 'maxmemory'), ['maxmemory', '0']);
  assert.deepEqual(await client.config('GET', 'nosuch'), []);
  // A name without glob characters answers in the case asked; each parameter once.
  assert.deepEqual(await client.call('CONFIG', 'GET', 'HZ', 'hz'), ['HZ', '10']);
  const pairs = (await client.call('CONFIG', 'GET', 'hz', '*hz*', 'slave-read-only')) as string[];
  assert.deepEqual(toMap(pairs), new Map([['hz', '10'], ['dynamic-hz', 'yes'], ['slave-read-only', 'yes']]));
  const slaves = toMap((await client.call('CONFIG', 'GET', 'slave*')) as string[]);
  assert.equal(slaves.get('slaveof'), '');
  assert.equal(slaves.get('slave-priority'), '100');
  const all = toMap((await client.call('CONFIG', 'GET', '*')) as string[]);
  assert.equal(all.size, 192);
  // startTessera passes save '' (a test node writes no dump.rdb).
  assert.equal(all.get('save'), '');
  assert.equal(all.get('client-output-buffer-limit'), 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
});

test('CONFIG GET is a map in RESP3', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const raw = await RawClient.connect(node.port);
  t.after(() => raw.close());
  await raw.call('HELLO', '3');
  const reply = await raw.call('CONFIG', 'GET', 'maxclients');
  assert.equal(reply.type, 'map');
});

test('CONFIG SET sets several at once, all or nothing, with Redis errors', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  assert.equal(await client.call('CONFIG', 'SET', 'maxmemory', '1gb', 'slave-priority', '7', 'notify-keyspace-events', 'KEA'), 'OK');
  assert.deepEqual(await client.call('CONFIG', 'GET', 'maxmemory'), ['maxmemory', '1073741824']);
  assert.deepEqual(await client.call('CONFIG', 'GET', 'replica-priority'), ['replica-priority', '7']);
  assert.deepEqual(await client.call('CONFIG', 'GET', 'notify-keyspace-events'), ['notify-keyspace-events', 'AKE']);

  const errors: Array<[string[], string]> = [
    [['nosuch', '1'], "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"],
    [['daemonize', 'yes'], "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config"],
    [['dir', '/tmp'], "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"],
    [['hz', '5', 'HZ', '6'], "ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter"],
    [['hz', '50', 'maxclients', 'x'], "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer"],
    [['hz', '50', 'maxclients'], 'ERR syntax error'],
    [['save', '10'], "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"],
  ];
  for (const [args, message] of errors) await assert.rejects(client.call('CONFIG', 'SET', ...args), { message }, args.join(' '));
  await assert.rejects(client.call('CONFIG', 'SET', 'hz'), { message: "ERR wrong number of arguments for 'config|set' command" });
  // Nothing from the failed calls stuck.
  assert.deepEqual(await client.call('CONFIG', 'GET', 'hz'), ['hz', '10']);
});

test('CONFIG SET changes the running node', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const admin = await connectIoredis(t, node.port);

  await admin.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0', 'slowlog-max-len', '2');
  await admin.set('a', '1');
  await admin.get('a');
  await admin.get('a');
  assert.equal(node.server.slowlog.length, 2);

  await admin.call('CONFIG', 'SET', 'loglevel', 'debug', 'hz', '100');
  assert.equal(node.server.logger.level, 'debug');
  await admin.call('CONFIG', 'SET', 'loglevel', 'warning');
  assert.equal(node.server.logger.level, 'warning');

  await admin.call('CONFIG', 'SET', 'maxclients', '1');
  const extra = await RawClient.connect(node.port);
  t.after(() => extra.close());
  const refused = await extra.read();
  assert.deepEqual(refused, { type: 'error', value: 'ERR max number of clients reached' });
  await admin.call('CONFIG', 'SET', 'maxclients', '10000');

  await admin.call('CONFIG', 'SET', 'requirepass', 'secret');
  const other = await RawClient.connect(node.port);
  t.after(() => other.close());
  assert.equal((await other.call('GET', 'a')).type, 'error');
  assert.deepEqual(await other.call('AUTH', 'secret'), { type: 'simple', value: 'OK' });
  await other.call('CONFIG', 'SET', 'requirepass', '');

  await admin.call('CONFIG', 'SET', 'proto-max-bulk-len', '1mb');
  await assert.rejects(admin.set('big', 'x'.repeat(1024 * 1024 + 1)));
});

test('CONFIG RESETSTAT zeroes server, command and error stats but keeps the slow log', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  await client.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
  await client.set('k', 'v');
  await client.get('k');
  await client.get('missing');
  await assert.rejects(client.call('CONFIG', 'SET', 'nosuch', '1'));
  const get = node.server.commands.lookup('get');
  assert.ok(get !== undefined && get.stats.calls === 2);
  assert.ok(node.server.stats.keyspaceHits > 0 && node.server.stats.errorCounts.size > 0);
  assert.equal(await client.call('CONFIG', 'RESETSTAT'), 'OK');
  assert.equal(get.stats.calls, 0);
  assert.equal(node.server.stats.keyspaceHits, 0);
  assert.equal(node.server.stats.keyspaceMisses, 0);
  assert.equal(node.server.stats.errorCounts.size, 0);
  assert.ok(node.server.slowlog.length > 0);
});

test('CONFIG REWRITE updates the file the node started from', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-config-it-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'redis.conf');
  writeFileSync(file, '# my settings\nhz 15\nmaxmemory 1gb\n');
  const node = await startTessera({ include: file });
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  await assert.rejects(client.call('CONFIG', 'REWRITE'), { message: 'ERR The server is running without a config file' });
  node.server.config.configFile = file;
  await client.call('CONFIG', 'SET', 'hz', '20', 'maxclients', '77');
  assert.equal(await client.call('CONFIG', 'REWRITE'), 'OK');
  const text = readFileSync(file, 'latin1');
  assert.match(text, /^# my settings\nhz 20\nmaxmemory 1gb\n/);
  assert.match(text, /\n# Generated by CONFIG REWRITE\n(.*\n)*maxclients 77\n/);
});

test('CONFIG HELP lists the subcommands', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connectIoredis(t, node.port);
  const help = (await client.call('CONFIG', 'HELP')) as string[];
  assert.equal(help[0], 'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
  assert.equal(help.length, 11);
});

function toMap(flat: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) out.set(flat[i] as string, flat[i + 1] as string);
  return out;
}

test('CONFIG SET timeout closes idle clients', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const admin = await connectIoredis(t, node.port);
  const idle = await connectIoredis(t, node.port);
  await admin.call('CONFIG', 'SET', 'timeout', '1', 'hz', '50');
  const ended = new Promise<void>((resolve) => idle.once('end', () => resolve()));
  await idle.ping();
  const startedMs = Date.now();
  await ended;
  assert.ok(Date.now() - startedMs >= 900, 'not before the timeout');
});
