import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../support/raw-client.js';
import { startRedisServer } from '../support/redis-server-process.js';
import { startTessera } from '../support/tessera.js';
import type { Reply } from '../../src/resp/reply-parser.js';

function text(reply: Reply): string {
  if (reply.type === 'bulk' || reply.type === 'verbatim') return reply.value;
  throw new Error(`expected a string reply, got ${JSON.stringify(reply)}`);
}

/** name → value of every `name:value` line. */
function fields(info: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of info.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) out.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return out;
}

/** Section titles and field names in order, without values and without volatile per-command lines. */
function shape(info: string): string[] {
  return info
    .split('\r\n')
    .filter((line) => line !== '' && !/^(cmdstat_|errorstat_|db\d+:|latency_percentiles_usec_)/.test(line))
    .map((line) => (line.startsWith('#') ? line : line.slice(0, line.indexOf(':'))));
}

async function connect(t: { after: (fn: () => void) => void }, port: number): Promise<RawClient> {
  const client = await RawClient.connect(port);
  t.after(() => client.close());
  return client;
}

test('INFO everything has Redis 7.0.15 sections and field names in the same order', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const redis = await startRedisServer();
  t.after(() => redis.stop());
  const ours = shape(text(await (await connect(t, node.port)).call('INFO', 'everything')));
  const theirs = shape(text(await (await connect(t, redis.port)).call('INFO', 'everything'))).filter((line) => line !== '# Latencystats');
  assert.deepEqual(ours, theirs);
});

test('INFO default lists the default sections; INFO <section> one; unknown sections nothing', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  const titles = (info: string) => info.split('\r\n').filter((line) => line.startsWith('#'));
  assert.deepEqual(titles(text(await client.call('INFO'))), [
    '# Server', '# Clients', '# Memory', '# Persistence', '# Stats', '# Replication', '# CPU', '# Modules', '# Errorstats', '# Cluster', '# Keyspace',
  ]);
  assert.equal(text(await client.call('INFO', 'CLUSTER')), '# Cluster\r\ncluster_enabled:0\r\n');
  assert.deepEqual(titles(text(await client.call('INFO', 'server', 'keyspace'))), ['# Server', '# Keyspace']);
  assert.equal(text(await client.call('INFO', 'nosuch')), '');
  assert.equal(text(await client.call('INFO', 'modules')), '# Modules\r\n');
});

test('INFO counts commands, hits, misses, errors, changes and clients honestly', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  await connect(t, node.port);
  await client.call('SET', 'k', 'v');
  await client.call('GET', 'k');
  await client.call('GET', 'missing');
  await client.call('NOSUCHCOMMAND');
  await client.call('GET');
  const info = fields(text(await client.call('INFO', 'everything')));
  assert.equal(info.get('connected_clients'), '2');
  assert.equal(info.get('keyspace_hits'), '1');
  assert.equal(info.get('keyspace_misses'), '1');
  assert.equal(info.get('total_commands_processed'), '3');
  assert.equal(info.get('rdb_changes_since_last_save'), '1');
  assert.equal(info.get('total_error_replies'), '2');
  assert.equal(info.get('errorstat_ERR'), 'count=2');
  assert.match(info.get('cmdstat_get') ?? '', /^calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=1,failed_calls=0$/);
  assert.match(info.get('cmdstat_set') ?? '', /^calls=1,/);
  assert.match(info.get('master_replid') ?? '', /^[0-9a-f]{40}$/);
  assert.equal(info.get('role'), 'master');
  assert.equal(info.get('db0'), 'keys=1,expires=0,avg_ttl=0');
  assert.equal(info.get('tcp_port'), String(node.port));
  // Whole bytes (the live-bytes gauge interpolates between GCs; Redis prints integers).
  for (const name of ['used_memory', 'used_memory_peak', 'used_memory_dataset', 'allocator_allocated']) assert.match(info.get(name) ?? '', /^\d+$/, name);
  const used = Number(info.get('used_memory'));
  assert.ok(used > 1_000_000 && used <= Number(info.get('used_memory_peak')), `used_memory ${used}`);
  assert.ok(Number(info.get('used_memory_rss')) > 0);
  assert.match(info.get('used_memory_human') ?? '', /^\d+\.\d\dM$/);
  assert.match(info.get('used_cpu_user') ?? '', /^\d+\.\d{6}$/);
});

test('INFO counts subcommands as cmdstat_<container>|<sub> and expired keys', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  await client.call('CLIENT', 'ID');
  const db = node.server.keyspace.db(0);
  db.set('old', 'v');
  db.setExpireAtMs('old', Date.now() - 1000);
  assert.deepEqual(await client.call('GET', 'old'), { type: 'null' });
  const info = fields(text(await client.call('INFO', 'commandstats', 'stats')));
  assert.match(info.get('cmdstat_client|id') ?? '', /^calls=1,/);
  assert.equal(info.get('expired_keys'), '1');
});

test('INFO is a verbatim string in RESP3', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  await client.call('HELLO', '3');
  const reply = await client.call('INFO', 'cluster');
  assert.deepEqual(reply, { type: 'verbatim', format: 'txt', value: '# Cluster\r\ncluster_enabled:0\r\n' });
});

test('instantaneous_ops_per_sec reflects recent traffic (sampled in the tick)', async (t) => {
  const node = await startTessera({ hz: '100' });
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  const deadline = Date.now() + 3000;
  let ops = 0;
  // Keep traffic flowing until the 16-sample window shows it (bounded by the deadline).
  while (ops === 0 && Date.now() < deadline) {
    for (let i = 0; i < 50; i++) client.writeRaw('*1\r\n$4\r\nPING\r\n');
    for (let i = 0; i < 50; i++) await client.read();
    ops = Number(fields(text(await client.call('INFO', 'stats'))).get('instantaneous_ops_per_sec'));
  }
  assert.ok(ops > 0, 'ops per second seen');
});

test('resetting the stats (CONFIG RESETSTAT) clears commandstats and errorstats too', async (t) => {
  const node = await startTessera();
  t.after(() => node.stop());
  const client = await connect(t, node.port);
  await client.call('GET', 'k');
  await client.call('NOSUCH');
  node.server.stats.reset();
  const info = text(await client.call('INFO', 'commandstats', 'errorstats'));
  assert.equal(info, '# Commandstats\r\n\r\n# Errorstats\r\n');
});
