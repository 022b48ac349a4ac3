import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { StaticRoutingView } from '../../src/cluster/static-routing-view.js';
import { replyToPlain, type RawClient } from '../support/raw-client.js';
import { rawClient } from '../support/clients.js';
import { freePort, startRedisServer, type RunningProcess } from '../support/redis-server-process.js';
import { startTessera } from '../support/tessera.js';

/**
 * Routing errors of a Tessera node with an injected RoutingView against a real 3-master
 * redis-server 7.0 cluster with the same slot layout: the same script on one connection to
 * each, replies compared as typed trees (MOVED/ASK name the real nodes' ports on both sides).
 */

interface RealNode {
  process: RunningProcess;
  busPort: number;
  id: string;
  client: RawClient;
}

const plain = (reply: Parameters<typeof replyToPlain>[0]): unknown => replyToPlain(reply);

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function text(client: RawClient, ...argv: string[]): Promise<string> {
  const reply = await client.call(...argv);
  assert.ok(reply.type === 'bulk' || reply.type === 'simple' || reply.type === 'verbatim', `${argv.join(' ')}: ${JSON.stringify(plain(reply))}`);
  return reply.value;
}

async function startRealNode(t: TestContext): Promise<RealNode> {
  const busPort = await freePort();
  const process = await startRedisServer(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-port', String(busPort)]);
  t.after(() => process.stop());
  const client = await rawClient(t, process.port);
  return { process, busPort, id: await text(client, 'CLUSTER', 'MYID'), client };
}

async function startRealCluster(t: TestContext, masters: number): Promise<RealNode[]> {
  const nodes: RealNode[] = [];
  for (let i = 0; i < masters; i++) nodes.push(await startRealNode(t));
  return nodes;
}

function clusterCreate(nodes: readonly RealNode[]): void {
  const result = spawnSync('redis-cli', ['--cluster', 'create', ...nodes.map((node) => `127.0.0.1:${node.process.port}`), '--cluster-yes'], {
    encoding: 'latin1',
    timeout: 30_000,
  });
  assert.equal(result.status, 0, result.stdout + result.stderr);
}

/** The view of `myself` as the real cluster reports it (CLUSTER SLOTS, addresses as 127.0.0.1:port). */
async function viewFromReal(nodes: readonly RealNode[], myself: RealNode): Promise<StaticRoutingView> {
  const view = new StaticRoutingView(myself.id);
  for (const node of nodes) view.addNode(node.id, `127.0.0.1:${node.process.port}`);
  const slots = await myself.client.call('CLUSTER', 'SLOTS');
  assert.equal(slots.type, 'array');
  for (const range of slots.type === 'array' ? slots.value : []) {
    assert.equal(range.type, 'array');
    if (range.type !== 'array') continue;
    const [first, last, master] = range.value;
    assert.ok(first?.type === 'integer' && last?.type === 'integer' && master?.type === 'array');
    const id = master.value[2];
    assert.ok(id?.type === 'bulk');
    view.assign(Number(first.value), Number(last.value), id.value);
  }
  return view;
}

async function compareScript(real: RawClient, tessera: RawClient, lines: ReadonlyArray<readonly string[]>): Promise<void> {
  for (const argv of lines) {
    const expected = plain(await real.call(...argv));
    const actual = plain(await tessera.call(...argv));
    assert.deepEqual(actual, expected, `${argv.join(' ')}`);
  }
}

const words = (line: string): string[] => line.split(' ');

test('routing errors match a real redis 7.0 cluster: stable, migrating, importing, down', { timeout: 120_000 }, async (t) => {
  const nodes = await startRealCluster(t, 3);
  clusterCreate(nodes);
  const [a, b] = nodes as [RealNode, RealNode, RealNode];
  for (const node of nodes) await until('cluster_state:ok', async () => (await text(node.client, 'CLUSTER', 'INFO')).includes('cluster_state:ok'));

  // Tessera as node A (slots 0-5460 after --cluster create): bar 5061 and hello 866 are A's.
  const tesseraA = await startTessera({ 'cluster-enabled': 'yes' });
  t.after(() => tesseraA.stop());
  const viewA = await viewFromReal(nodes, a);
  assert.equal(viewA.ownerOf(5061), a.id);
  tesseraA.server.setRoutingView(viewA);
  const asA = await rawClient(t, tesseraA.port);

  await compareScript(a.client, asA, [
    'GET foo', 'GET bar', 'SET bar x', 'MSET bar x foo y', 'MSET bar x {bar}y z', 'MGET bar {bar}y',
    'MULTI', 'GET foo', 'SET bar 1', 'EXEC',
    'MULTI', 'SET bar 1', 'SET {bar}1 2', 'GET hello', 'EXEC', 'EXEC',
    'EVAL return 1 foo', 'EVAL return 0', 'EVAL return x foo', 'EVAL return 2 bar foo', 'EVALSHA 0000000000000000000000000000000000000000 1 foo',
    'SPUBLISH foo m', 'SPUBLISH bar m', 'XREAD STREAMS foo 0', 'XREAD STREAMS foo bar 0 0', 'XREAD COUNT 1 STREAMS foo 0',
    'ASKING', 'GET foo', 'SELECT 1', 'SELECT 0', 'SELECT x', 'READONLY', 'GET foo', 'READWRITE',
    'CLUSTER COUNTKEYSINSLOT -1', 'CLUSTER COUNTKEYSINSLOT 16384', 'CLUSTER COUNTKEYSINSLOT x', 'CLUSTER COUNTKEYSINSLOT 5061',
    'CLUSTER GETKEYSINSLOT 1 -1', 'CLUSTER GETKEYSINSLOT x 1', 'CLUSTER GETKEYSINSLOT 1 x', 'CLUSTER GETKEYSINSLOT 16384 1', 'CLUSTER GETKEYSINSLOT 5061 10',
    'CLUSTER KEYSLOT {}a', 'CLUSTER KEYSLOT a{}{b}', 'CLUSTER KEYSLOT {user1000}.following',
    'WATCH foo', 'MULTI', 'WATCH foo', 'DISCARD', 'PING', 'DBSIZE', 'PUBLISH foo x',
    'ZUNIONSTORE bar 1 foo', 'ZUNIONSTORE bar 0 foo', 'ZINTERSTORE {bar}z 1 bar', 'BLPOP foo 0', 'LMPOP 2 bar foo LEFT', 'RENAME bar foo',
    'OBJECT ENCODING foo', 'MEMORY USAGE foo', 'GEORADIUS bar 0 0 1 km STORE foo', 'COPY bar foo', 'SINTERCARD 2 bar foo', 'PFCOUNT bar foo',
    'EXISTS bar {bar}y foo', 'DEL foo', 'UNLINK bar {bar}y', 'TOUCH hello', 'LCS bar hello',
    'INFO errorstats',
  ].map(words));
  // Keys a script reaches must be served here (Redis's scriptVerifyClusterState).
  await compareScript(a.client, asA, [
    ['EVAL', "return redis.call('get','foo')", '0'],
    ['EVAL', "return redis.pcall('get','foo')", '0'],
    ['EVAL', "return redis.call('set','bar','v')", '0'],
    ['EVAL', "return redis.call('get','foo')", '1', 'bar'],
    ['EVAL', "return redis.call('mget','bar','hello')", '0'],
  ]);

  // Slot 5061 migrating from A to B.
  await compareScript(a.client, asA, ['FLUSHALL', 'SET bar x'].map(words));
  assert.equal(await text(b.client, 'CLUSTER', 'SETSLOT', '5061', 'IMPORTING', a.id), 'OK');
  assert.equal(await text(a.client, 'CLUSTER', 'SETSLOT', '5061', 'MIGRATING', b.id), 'OK');
  viewA.setMigrating(5061, b.id);
  await compareScript(a.client, asA, [
    'GET bar', 'GET {bar}nope', 'SET {bar}nope 1', 'MGET bar {bar}y', 'MGET bar {bar}nope', 'MGET {bar}n1 {bar}n2', 'DEL {bar}n1 {bar}n2',
    'MULTI', 'GET {bar}nope', 'EXEC', 'MULTI', 'GET bar', 'GET {bar}nope', 'EXEC', 'SPUBLISH bar x', 'EXISTS {bar}nope', 'EXISTS bar',
    'EVAL return 1 {bar}nope', 'GET hello',
  ].map(words));

  // Tessera as node B, which imports 5061.
  const tesseraB = await startTessera({ 'cluster-enabled': 'yes' });
  t.after(() => tesseraB.stop());
  const viewB = await viewFromReal(nodes, b);
  viewB.setImporting(5061, a.id);
  tesseraB.server.setRoutingView(viewB);
  const asB = await rawClient(t, tesseraB.port);
  await compareScript(b.client, asB, [
    'GET bar', 'ASKING', 'GET bar', 'GET bar', 'ASKING', 'MGET {bar}a {bar}b', 'ASKING', 'SET {bar}a 1', 'ASKING', 'MGET {bar}a {bar}b',
    'ASKING', 'MGET {bar}a {bar}a', 'ASKING', 'MULTI', 'GET {bar}a', 'GET {bar}a', 'EXEC', 'MULTI', 'ASKING', 'GET {bar}a', 'EXEC',
    'GET {bar}a', 'ASKING', 'PING', 'GET {bar}a', 'ASKING', 'ASKING', 'GET {bar}a', 'READONLY', 'GET {bar}a',
    'ASKING', 'FOO', 'GET {bar}a', 'SPUBLISH bar x', 'ASKING', 'RESET', 'GET {bar}a',
  ].map(words));
  for (const node of [a, b]) assert.equal(await text(node.client, 'CLUSTER', 'SETSLOT', '5061', 'STABLE'), 'OK');
  viewA.setMigrating(5061, null);

  // A drops slot 866 (hello): unassigned there, and A's cluster_state turns fail.
  await compareScript(a.client, asA, [words('FLUSHALL')]);
  assert.equal(await text(a.client, 'CLUSTER', 'DELSLOTS', '866'), 'OK');
  await until('cluster_state:fail on A', async () => (await text(a.client, 'CLUSTER', 'INFO')).includes('cluster_state:fail'));
  viewA.assign(866, 866, null);
  viewA.stateOk = false;
  await compareScript(a.client, asA, ['GET hello', 'GET bar', 'SET bar 1', 'GET foo', 'PING', 'SPUBLISH bar m', 'MULTI', 'GET bar', 'EXEC'].map(words));
  await compareScript(a.client, asA, [
    ['EVAL', "return redis.call('get','bar')", '0'],
    ['EVAL', "return redis.call('get','hello')", '0'],
  ]);
  assert.equal(await text(a.client, 'CONFIG', 'SET', 'cluster-allow-reads-when-down', 'yes'), 'OK');
  viewA.allowReadsWhenDown = true;
  await compareScript(a.client, asA, ['GET hello', 'GET bar', 'SET bar 1', 'GET foo', 'MULTI', 'GET bar', 'EXEC', 'MULTI', 'SET bar 1', 'EXEC'].map(words));
  await compareScript(a.client, asA, [
    ['EVAL', "return redis.call('get','bar')", '0'],
    ['EVAL', "return redis.call('set','bar','1')", '0'],
  ]);
});

test('READONLY on a replica matches a real redis 7.0 replica', { timeout: 120_000 }, async (t) => {
  const nodes = await startRealCluster(t, 3);
  clusterCreate(nodes);
  const a = nodes[0] as RealNode;
  const replica = await startRealNode(t);
  assert.equal(await text(replica.client, 'CLUSTER', 'MEET', '127.0.0.1', String(a.process.port), String(a.busPort)), 'OK');
  await until('the replica learns node A', async () => (await text(replica.client, 'CLUSTER', 'NODES')).includes(a.id));
  assert.equal(await text(replica.client, 'CLUSTER', 'REPLICATE', a.id), 'OK');
  await until('replication link up', async () => (await text(replica.client, 'INFO', 'replication')).includes('master_link_status:up'));
  await until('cluster_state:ok on the replica', async () => (await text(replica.client, 'CLUSTER', 'INFO')).includes('cluster_state:ok'));

  const tessera = await startTessera({ 'cluster-enabled': 'yes' });
  t.after(() => tessera.stop());
  const view = await viewFromReal(nodes, replica);
  view.myMasterId = a.id;
  tessera.server.setRoutingView(view);
  const asReplica = await rawClient(t, tessera.port);
  await compareScript(replica.client, asReplica, [
    'GET bar', 'READONLY', 'GET bar', 'MGET bar {bar}x', 'EXISTS bar', 'SET bar 1', 'GET foo', 'GET hello',
    'MULTI', 'GET bar', 'EXEC', 'MULTI', 'GET bar', 'SET {bar}x 1', 'EXEC',
    'SPUBLISH bar m', 'SPUBLISH foo m', 'READWRITE', 'GET bar', 'SPUBLISH bar m', 'READONLY', 'RESET', 'GET bar',
  ].map(words));
});
