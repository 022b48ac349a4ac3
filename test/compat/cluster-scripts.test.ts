import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { keyHashSlot } from '../../src/lib/hash-slot.js';
import { sha1hex } from '../../src/scripting/engine.js';
import { rawClient } from '../support/clients.js';
import { replyToPlain, type RawClient } from '../support/raw-client.js';
import { freePort, startRedisServer } from '../support/redis-server-process.js';
import { startTessera } from '../support/tessera.js';

/**
 * Scripts on a cluster node, against a real one-node redis-server 7.0 cluster holding every slot
 * (Redis's scriptPrepareForRun and scriptVerifyClusterState): script flags no-cluster,
 * allow-cross-slot-keys and allow-stale, the one-slot rule of flagged scripts, keys of slots not
 * served here, the cluster-down texts; and CLUSTER DELSLOTS / FLUSHSLOTS leaving keys alone.
 * Both nodes are real cluster nodes (Tessera's bus and state machine, no injected view).
 */

const SLOT_A = keyHashSlot('a'); // 15495
const SLOT_B = keyHashSlot('b'); // 3300
const OTHER_SLOT = 5000;

async function text(client: RawClient, ...argv: string[]): Promise<string> {
  const reply = await client.call(...argv);
  assert.ok(reply.type === 'bulk' || reply.type === 'simple' || reply.type === 'verbatim', `${argv.join(' ')}: ${JSON.stringify(replyToPlain(reply))}`);
  return reply.value;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Bounded by the deadline.
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface Pair {
  real: RawClient;
  tessera: RawClient;
}

/** A one-node cluster of each kind, every slot assigned, cluster_state ok. */
async function startPair(t: TestContext): Promise<Pair> {
  const busPort = await freePort();
  const redis = await startRedisServer(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-port', String(busPort)]);
  t.after(() => redis.stop());
  const node = await startTessera({ 'cluster-enabled': 'yes' });
  t.after(() => node.stop());
  const pair = { real: await rawClient(t, redis.port), tessera: await rawClient(t, node.port) };
  await both(pair, ['CLUSTER', 'ADDSLOTSRANGE', '0', '16383']);
  await waitState(pair, 'ok');
  return pair;
}

async function waitState(pair: Pair, state: 'ok' | 'fail'): Promise<void> {
  for (const [name, client] of Object.entries(pair)) {
    await until(`cluster_state:${state} on ${name}`, async () => (await text(client, 'CLUSTER', 'INFO')).includes(`cluster_state:${state}`));
  }
}

/** Runs one command on both, asserts equal typed replies, returns Tessera's. */
async function both(pair: Pair, argv: readonly string[]): Promise<unknown> {
  const expected = replyToPlain(await pair.real.call(...argv));
  const actual = replyToPlain(await pair.tessera.call(...argv));
  assert.deepEqual(actual, expected, argv.join(' '));
  return actual;
}

async function compare(pair: Pair, lines: ReadonlyArray<readonly string[]>): Promise<void> {
  for (const argv of lines) await both(pair, argv);
}

/** INFO commandstats without the timings: "name calls rejected failed" lines, sorted. */
async function commandCounts(client: RawClient): Promise<string[]> {
  const info = await text(client, 'INFO', 'commandstats');
  const lines: string[] = [];
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),.*,rejected_calls=(\d+),failed_calls=(\d+)$/gm)) {
    lines.push(`${match[1]} calls=${match[2]} rejected=${match[3]} failed=${match[4]}`);
  }
  return lines.sort();
}

/** Commands refused inside a script count as rejected calls of that command (Redis's scriptCall). */
async function compareCommandCounts(pair: Pair): Promise<void> {
  assert.deepEqual(await commandCounts(pair.tessera), await commandCounts(pair.real));
}

const LIBRARY = [
  '#!lua name=clusterlib',
  "redis.register_function('strict', function(keys) redis.call('set', 'a', '1') return redis.call('set', 'b', '2') end)",
  "redis.register_function{function_name='cross', callback=function(keys) redis.call('set', 'a', '1') return redis.call('set', 'b', '2') end, flags={'allow-cross-slot-keys'}}",
  "redis.register_function{function_name='nocluster', callback=function() return 1 end, flags={'no-cluster'}}",
  "redis.register_function{function_name='stale', callback=function() return 'stale ok' end, flags={'allow-stale', 'no-writes'}}",
].join('\n');

test('script flags and the one-slot rule match a real redis 7.0 cluster node', { timeout: 60_000 }, async (t) => {
  const pair = await startPair(t);
  assert.notEqual(SLOT_A, SLOT_B);
  await compare(pair, [
    ['CONFIG', 'RESETSTAT'],
    ['CLUSTER', 'KEYSLOT', 'a'],
    ['CLUSTER', 'KEYSLOT', 'b'],
    // No shebang (compatibility mode): keys of several local slots are fine.
    ['EVAL', "redis.call('set','a','1'); return redis.call('set','b','2')", '0'],
    // A shebang without allow-cross-slot-keys: one slot, the first used...
    ['EVAL', "#!lua flags=\nredis.call('set','a','1'); return redis.call('set','b','2')", '0'],
    ['EVAL', "#!lua\nredis.call('get','a'); return redis.pcall('get','b')", '0'],
    // ...or the declared keys' slot.
    ['EVAL', "#!lua\nreturn redis.call('set','b','2')", '1', 'a'],
    ['EVAL', "#!lua\nreturn redis.call('set','{a}x','2')", '1', 'a'],
    ['EVAL', "#!lua flags=no-writes\nreturn redis.call('get','b')", '1', 'a'],
    ['EVAL_RO', "#!lua flags=no-writes\nreturn redis.call('get','a')", '1', 'a'],
    // The flag lifts it for undeclared keys; declared keys still share one slot.
    ['EVAL', "#!lua flags=allow-cross-slot-keys\nredis.call('set','a','1'); return redis.call('set','b','2')", '0'],
    ['EVAL', "#!lua flags=allow-cross-slot-keys\nreturn redis.call('set','b','2')", '1', 'a'],
    ['EVAL', "#!lua flags=allow-cross-slot-keys\nreturn 1", '2', 'a', 'b'],
    // One command whose own keys span slots is a "non local" access, flag or not.
    ['EVAL', "#!lua flags=allow-cross-slot-keys\nreturn redis.call('mset','a','1','b','2')", '0'],
    ['EVAL', "return redis.call('mget','a','b')", '0'],
    // no-cluster refuses to run at all, before the *_ro check; allow-stale runs.
    ['EVAL', '#!lua flags=no-cluster\nreturn 1', '0'],
    ['EVAL_RO', '#!lua flags=no-cluster\nreturn 1', '0'],
    ['EVAL', '#!lua flags=no-cluster,no-writes\nreturn 1', '1', 'a'],
    ['EVAL', '#!lua flags=allow-stale\nreturn 1', '0'],
    ['EVAL', '#!lua flags=allow-stale,no-writes\nreturn 1', '1', 'a'],
    // Functions always have flags.
    ['FUNCTION', 'LOAD', LIBRARY],
    ['FCALL', 'strict', '0'],
    ['FCALL', 'strict', '1', 'b'],
    ['FCALL', 'cross', '0'],
    ['FCALL', 'nocluster', '0'],
    ['FCALL_RO', 'stale', '0'],
    // In a transaction the script starts from the transaction's slot; its first key sets it
    // for the scripts after it.
    ['MULTI'],
    ['SET', 'a', '3'],
    ['EVAL', "#!lua\nreturn redis.call('get','b')", '0'],
    ['EXEC'],
    ['MULTI'],
    ['EVAL', "#!lua\nreturn redis.call('get','a')", '0'],
    ['EVAL', "#!lua\nreturn redis.call('get','b')", '0'],
    ['EVAL', "return redis.call('get','b')", '0'],
    ['EXEC'],
    ['INFO', 'errorstats'],
  ]);
  await compareCommandCounts(pair);
  // OOM is checked first (processCommand), then no-cluster (scriptPrepareForRun).
  await compare(pair, [
    ['CONFIG', 'SET', 'maxmemory', '1'],
    ['EVAL', '#!lua flags=no-cluster\nreturn 1', '0'],
    ['EVAL', '#!lua flags=no-cluster,no-writes\nreturn 1', '0'],
    ['CONFIG', 'SET', 'maxmemory', '0'],
  ]);
});

test('scripts meet unassigned slots and a down cluster with redis 7.0 texts', { timeout: 60_000 }, async (t) => {
  const pair = await startPair(t);
  await compare(pair, [
    ['CONFIG', 'RESETSTAT'],
    ['CONFIG', 'SET', 'cluster-require-full-coverage', 'no'],
    ['SET', 'a', '1'],
    ['CLUSTER', 'DELSLOTS', String(SLOT_B)],
  ]);
  await waitState(pair, 'ok');
  await compare(pair, [
    ['EVAL', "return redis.call('get','b')", '0'],
    ['EVAL', "#!lua\nreturn redis.call('get','b')", '0'],
    ['EVAL', "#!lua flags=allow-cross-slot-keys\nreturn redis.call('get','b')", '0'],
    ['EVAL', "#!lua flags=allow-cross-slot-keys\nreturn redis.pcall('get','b')", '0'],
    ['CLUSTER', 'ADDSLOTS', String(SLOT_B)],
    ['CONFIG', 'SET', 'cluster-require-full-coverage', 'yes'],
    ['CLUSTER', 'DELSLOTS', String(OTHER_SLOT)],
  ]);
  await waitState(pair, 'fail');
  await compare(pair, [
    ['EVAL', "return redis.call('get','a')", '0'],
    ['EVAL', "#!lua\nreturn redis.call('get','a')", '0'],
    ['EVAL', 'return 1', '1', 'a'],
    ['CONFIG', 'SET', 'cluster-allow-reads-when-down', 'yes'],
    ['EVAL', "return redis.call('get','a')", '0'],
    ['EVAL', "return redis.call('set','a','2')", '0'],
    ['EVAL', "#!lua flags=no-writes\nreturn redis.call('get','a')", '0'],
    // With keys declared, EVAL/FCALL write unless their flags say no-writes (getCommandFlags).
    ['EVAL', 'return 1', '1', 'a'],
    ['EVAL', '#!lua\nreturn 1', '1', 'a'],
    ['EVAL_RO', '#!lua\nreturn 1', '1', 'a'],
    ['EVAL', '#!lua flags=no-writes\nreturn 1', '1', 'a'],
    ['EVAL', '#!lua flags=bogus\nreturn 1', '1', 'a'],
    ['SCRIPT', 'LOAD', '#!lua\nreturn 5'],
    ['EVALSHA', sha1hex('#!lua\nreturn 5'), '1', 'a'],
    ['EVALSHA', sha1hex('#!lua\nreturn 6'), '1', 'a'],
    ['FUNCTION', 'LOAD', LIBRARY],
    ['FCALL', 'strict', '1', 'a'],
    ['FCALL_RO', 'strict', '1', 'a'],
    ['FCALL', 'stale', '1', 'a'],
    ['FCALL', 'nosuch', '1', 'a'],
    ['CONFIG', 'SET', 'cluster-allow-reads-when-down', 'no'],
  ]);
  await compare(pair, [['INFO', 'errorstats']]);
  await compareCommandCounts(pair);
});

test('CLUSTER DELSLOTS keeps the keys; FLUSHSLOTS needs an empty database (as redis 7.0)', { timeout: 60_000 }, async (t) => {
  const pair = await startPair(t);
  await compare(pair, [
    ['SET', 'a', '1'],
    ['CLUSTER', 'DELSLOTS', String(SLOT_A)],
    ['CLUSTER', 'COUNTKEYSINSLOT', String(SLOT_A)],
    ['DBSIZE'],
    ['CLUSTER', 'FLUSHSLOTS'],
    ['CLUSTER', 'DELSLOTSRANGE', '0', '100'],
    ['DBSIZE'],
    ['CLUSTER', 'ADDSLOTS', String(SLOT_A)],
    ['CLUSTER', 'ADDSLOTSRANGE', '0', '100'],
  ]);
  await waitState(pair, 'ok');
  await compare(pair, [['GET', 'a'], ['DEL', 'a'], ['CLUSTER', 'FLUSHSLOTS'], ['CLUSTER', 'COUNTKEYSINSLOT', String(SLOT_A)], ['DBSIZE']]);
  await waitState(pair, 'fail');
});
