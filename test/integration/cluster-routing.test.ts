import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { StaticRoutingView, threeMasterView } from '../../src/cluster/static-routing-view.js';
import { connectIoredis, rawClient } from '../support/clients.js';
import type { RawClient } from '../support/raw-client.js';
import { startTessera, type InProcessNode } from '../support/tessera.js';

const ME = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);
const THIRD = 'c'.repeat(40);

// bar: slot 5061 (here), foo: 12182 (THIRD), hello: 866 (here); {bar}x shares bar's slot.
function layout(): StaticRoutingView {
  return threeMasterView([ME, OTHER, THIRD]);
}

/** A cluster-enabled node with an injected routing view (no bus: the view is set by hand). */
async function clusterNode(t: TestContext, view: StaticRoutingView): Promise<InProcessNode> {
  const node = await startTessera({ 'cluster-enabled': 'yes' });
  t.after(() => node.stop());
  node.server.setRoutingView(view);
  return node;
}

async function expectReplies(client: RawClient, script: Array<[string[], unknown]>): Promise<void> {
  for (const [argv, expected] of script) {
    const reply = await client.call(...argv);
    const plain = reply.type === 'error' ? { error: reply.value } : reply.type === 'null' ? null : 'value' in reply ? reply.value : reply;
    assert.deepEqual(plain, expected, argv.join(' '));
  }
}

test('MOVED and CROSSSLOT are error replies with Redis 7.0 text; keyless commands pass', async (t) => {
  const node = await clusterNode(t, layout());
  const client = await rawClient(t, node.port);
  await expectReplies(client, [
    [['GET', 'foo'], { error: 'MOVED 12182 127.0.0.1:7002' }],
    [['SET', 'bar', '1'], 'OK'],
    [['MSET', 'bar', 'x', 'foo', 'y'], { error: "CROSSSLOT Keys in request don't hash to the same slot" }],
    [['MSET', 'bar', 'x', '{bar}y', 'z'], 'OK'],
    [['PING'], 'PONG'],
    [['DBSIZE'], 2n],
  ]);
  const info = await client.call('INFO', 'errorstats');
  assert.match(info.type === 'bulk' ? info.value : '', /errorstat_CROSSSLOT:count=1\r\nerrorstat_MOVED:count=1/);
  const stats = await client.call('INFO', 'commandstats');
  assert.match(stats.type === 'bulk' ? stats.value : '', /cmdstat_get:calls=0,.*rejected_calls=1,failed_calls=0/);
});

test('ioredis sees MOVED as a ReplyError naming slot and endpoint', async (t) => {
  const node = await clusterNode(t, layout());
  const client = await connectIoredis(t, node.port);
  await assert.rejects(client.get('foo'), { message: 'MOVED 12182 127.0.0.1:7002' });
  assert.equal(await client.set('hello', 'world'), 'OK');
  assert.equal(await client.get('hello'), 'world');
});

test('ASKING lets one command use an importing slot; it lasts a whole MULTI', async (t) => {
  const view = new StaticRoutingView(OTHER).addNode(ME, '127.0.0.1:7000').assign(0, 16383, ME).setImporting(5061, ME);
  const node = await clusterNode(t, view);
  const client = await rawClient(t, node.port);
  await expectReplies(client, [
    [['GET', 'bar'], { error: 'MOVED 5061 127.0.0.1:7000' }],
    [['ASKING'], 'OK'],
    [['GET', 'bar'], null],
    [['GET', 'bar'], { error: 'MOVED 5061 127.0.0.1:7000' }],
    [['ASKING'], 'OK'],
    [['NOSUCHCOMMAND'], { error: "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: " }],
    [['GET', 'bar'], { error: 'MOVED 5061 127.0.0.1:7000' }],
    [['ASKING'], 'OK'],
    [['ASKING'], 'OK'],
    [['SET', '{bar}a', '1'], 'OK'],
    [['ASKING'], 'OK'],
    [['MGET', '{bar}a', '{bar}b'], { error: 'TRYAGAIN Multiple keys request during rehashing of slot' }],
    [['ASKING'], 'OK'],
    [['MULTI'], 'OK'],
    [['GET', '{bar}a'], 'QUEUED'],
    [['GET', '{bar}a'], 'QUEUED'],
    [['EXEC'], [{ type: 'bulk', value: '1' }, { type: 'bulk', value: '1' }]],
    [['GET', '{bar}a'], { error: 'MOVED 5061 127.0.0.1:7000' }],
    [['ASKING'], 'OK'],
    [['RESET'], 'RESET'],
    [['GET', '{bar}a'], { error: 'MOVED 5061 127.0.0.1:7000' }],
  ]);
});

test('a migrating slot answers ASK for missing keys and TRYAGAIN for a split multi-key request', async (t) => {
  const view = layout();
  const node = await clusterNode(t, view);
  const client = await rawClient(t, node.port);
  await expectReplies(client, [[['SET', 'bar', 'x'], 'OK']]);
  view.setMigrating(5061, OTHER);
  await expectReplies(client, [
    [['GET', 'bar'], 'x'],
    [['SET', '{bar}nope', 'x'], { error: 'ASK 5061 127.0.0.1:7001' }],
    [['GET', '{bar}nope'], { error: 'ASK 5061 127.0.0.1:7001' }],
    [['MGET', 'bar', '{bar}nope'], { error: 'TRYAGAIN Multiple keys request during rehashing of slot' }],
    [['MGET', '{bar}n1', '{bar}n2'], { error: 'ASK 5061 127.0.0.1:7001' }],
    [['SET', 'bar', 'y', 'PX', '1'], 'OK'],
  ]);
  // An expired key counts as missing (Redis looks it up with LOOKUP_NOEXPIRE).
  await new Promise((resolve) => setTimeout(resolve, 5));
  await expectReplies(client, [[['GET', 'bar'], { error: 'ASK 5061 127.0.0.1:7001' }]]);
});

test('READONLY on a replica serves reads of its master slots; READWRITE and RESET end it', async (t) => {
  const view = layout();
  view.myselfId = 'd'.repeat(40);
  view.myMasterId = ME;
  const node = await clusterNode(t, view);
  const client = await rawClient(t, node.port);
  await expectReplies(client, [
    [['GET', 'bar'], { error: 'MOVED 5061 127.0.0.1:7000' }],
    [['READONLY'], 'OK'],
    [['GET', 'bar'], null],
    [['SET', 'bar', '1'], { error: 'MOVED 5061 127.0.0.1:7000' }],
    [['GET', 'foo'], { error: 'MOVED 12182 127.0.0.1:7002' }],
    [['READWRITE'], 'OK'],
    [['GET', 'bar'], { error: 'MOVED 5061 127.0.0.1:7000' }],
    [['READONLY'], 'OK'],
    [['RESET'], 'RESET'],
    [['GET', 'bar'], { error: 'MOVED 5061 127.0.0.1:7000' }],
  ]);
});

test('MULTI: a redirected command aborts at EXEC; keys of two slots fail EXEC with CROSSSLOT and drop the transaction', async (t) => {
  const node = await clusterNode(t, layout());
  const client = await rawClient(t, node.port);
  await expectReplies(client, [
    [['MULTI'], 'OK'],
    [['GET', 'foo'], { error: 'MOVED 12182 127.0.0.1:7002' }],
    [['SET', 'bar', '1'], 'QUEUED'],
    [['EXEC'], { error: 'EXECABORT Transaction discarded because of previous errors.' }],
    [['MULTI'], 'OK'],
    [['SET', 'bar', '1'], 'QUEUED'],
    [['SET', '{bar}1', '2'], 'QUEUED'],
    [['GET', 'hello'], 'QUEUED'],
    [['EXEC'], { error: "CROSSSLOT Keys in request don't hash to the same slot" }],
    [['EXEC'], { error: 'ERR EXEC without MULTI' }],
    [['GET', 'bar'], null],
    [['MULTI'], 'OK'],
    [['WATCH', 'foo'], { error: 'MOVED 12182 127.0.0.1:7002' }],
    [['DISCARD'], 'OK'],
  ]);
});

test('cluster down: CLUSTERDOWN for keyed commands, reads when allowed', async (t) => {
  const view = layout();
  view.stateOk = false;
  const node = await clusterNode(t, view);
  const client = await rawClient(t, node.port);
  await expectReplies(client, [
    [['GET', 'bar'], { error: 'CLUSTERDOWN The cluster is down' }],
    [['PING'], 'PONG'],
  ]);
  view.allowReadsWhenDown = true;
  await expectReplies(client, [
    [['GET', 'bar'], null],
    [['SET', 'bar', '1'], { error: 'CLUSTERDOWN The cluster is down and only accepts read commands' }],
  ]);
  view.stateOk = true;
  view.assign(5061, 5061, null);
  await expectReplies(client, [[['GET', 'bar'], { error: 'CLUSTERDOWN Hash slot not served' }]]);
});

test('SELECT other than 0 is refused in cluster mode; ASKING/READONLY/CLUSTER refused on a standalone node', async (t) => {
  const node = await clusterNode(t, layout());
  const client = await rawClient(t, node.port);
  await expectReplies(client, [
    [['SELECT', '1'], { error: 'ERR SELECT is not allowed in cluster mode' }],
    [['SELECT', '0'], 'OK'],
  ]);
  const standalone = await startTessera();
  t.after(() => standalone.stop());
  const plain = await rawClient(t, standalone.port);
  await expectReplies(plain, [
    [['ASKING'], { error: 'ERR This instance has cluster support disabled' }],
    [['READONLY'], { error: 'ERR This instance has cluster support disabled' }],
    [['READWRITE'], { error: 'ERR This instance has cluster support disabled' }],
    [['CLUSTER', 'KEYSLOT', 'foo'], { error: 'ERR This instance has cluster support disabled' }],
    [['GET', 'foo'], null],
  ]);
});

test('CLUSTER KEYSLOT, COUNTKEYSINSLOT and GETKEYSINSLOT with Redis errors', async (t) => {
  const node = await clusterNode(t, layout());
  const client = await rawClient(t, node.port);
  await client.call('MSET', 'bar', '1', '{bar}x', '2', '{bar}y', '3');
  await client.call('SET', 'hello', '4');
  await expectReplies(client, [
    [['CLUSTER', 'KEYSLOT', 'foo'], 12182n],
    [['CLUSTER', 'KEYSLOT', '{}a'], 10875n],
    [['CLUSTER', 'KEYSLOT', 'a{}{b}'], 15033n],
    [['CLUSTER', 'COUNTKEYSINSLOT', '5061'], 3n],
    [['CLUSTER', 'COUNTKEYSINSLOT', '0'], 0n],
    [['CLUSTER', 'COUNTKEYSINSLOT', '-1'], { error: 'ERR Invalid slot' }],
    [['CLUSTER', 'COUNTKEYSINSLOT', '16384'], { error: 'ERR Invalid slot' }],
    [['CLUSTER', 'COUNTKEYSINSLOT', 'x'], { error: 'ERR value is not an integer or out of range' }],
    // Newest first, like Redis's per-slot lists.
    [['CLUSTER', 'GETKEYSINSLOT', '5061', '2'], [{ type: 'bulk', value: '{bar}y' }, { type: 'bulk', value: '{bar}x' }]],
    [['CLUSTER', 'GETKEYSINSLOT', '5061', '0'], []],
    [['CLUSTER', 'GETKEYSINSLOT', '1', '-1'], { error: 'ERR Invalid slot or number of keys' }],
    [['CLUSTER', 'GETKEYSINSLOT', '16384', '1'], { error: 'ERR Invalid slot or number of keys' }],
    [['CLUSTER', 'GETKEYSINSLOT', 'x', '1'], { error: 'ERR value is not an integer or out of range' }],
    [['CLUSTER', 'GETKEYSINSLOT', '1', 'x'], { error: 'ERR value is not an integer or out of range' }],
  ]);
  const all = await client.call('CLUSTER', 'GETKEYSINSLOT', '5061', '100');
  assert.deepEqual(all.type === 'array' ? all.value.map((r) => ('value' in r ? r.value : '')) : [], ['{bar}y', '{bar}x', 'bar']);
});

test('a client blocked on a key whose slot moves away is answered MOVED', async (t) => {
  const view = layout();
  const node = await clusterNode(t, view);
  const blocked = await rawClient(t, node.port);
  const other = await rawClient(t, node.port);
  blocked.writeRaw('*3\r\n$5\r\nBLPOP\r\n$3\r\nbar\r\n$1\r\n0\r\n');
  // Wait until it is parked (CLIENT LIST shows it blocked) before moving the slot.
  for (let attempt = 0; attempt < 100; attempt++) {
    const info = await other.call('INFO', 'clients');
    if (info.type === 'bulk' && /blocked_clients:1/.test(info.value)) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  view.assign(5061, 5061, OTHER);
  node.server.routingChanged();
  assert.deepEqual(await blocked.read(), { type: 'error', value: 'MOVED 5061 127.0.0.1:7001' });
  // The client is usable again.
  assert.deepEqual(await blocked.call('PING'), { type: 'simple', value: 'PONG' });
});
