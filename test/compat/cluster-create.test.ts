/**
 * Acceptance (issue 6): six Tessera processes made into a cluster by Debian's redis-cli, then used
 * by real cluster clients and redis-benchmark, and a node restarted from its nodes.conf.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import {
  clusterView,
  nodeCommand,
  redisCli,
  startClusterNodes,
  waitFor,
  type ClusterNodeProcess,
} from '../support/cluster-processes.js';

const CONVERGE_MS = 20_000;
let nodes: ClusterNodeProcess[] = [];

before(async () => {
  nodes = await startClusterNodes('tessera', 6);
});

after(async () => {
  await Promise.all(nodes.map((node) => node.destroy()));
});

async function views(): Promise<string> {
  const all = await Promise.all(nodes.map(async (node) => `${node.address}:\n  ${(await clusterView(node)).join('\n  ')}`));
  return all.join('\n');
}

/** Every node says cluster_state:ok and all list the same nodes and slot owners. */
async function waitForAgreement(what: string): Promise<void> {
  await waitFor(
    async () => {
      const states = await Promise.all(nodes.map((node) => nodeCommand(node, 'CLUSTER', 'INFO')));
      if (!states.every((info) => info.includes('cluster_state:ok'))) return undefined;
      const all = await Promise.all(nodes.map((node) => clusterView(node)));
      return all.every((view) => JSON.stringify(view) === JSON.stringify(all[0])) && all[0]!.length === nodes.length ? true : undefined;
    },
    CONVERGE_MS,
    async () => `${what}: the nodes do not agree\n${await views()}`,
  );
}

test('redis-cli --cluster create makes six Tessera nodes one cluster, and --cluster check finds no error', async () => {
  const created = await redisCli(['--cluster', 'create', ...nodes.map((node) => node.address), '--cluster-replicas', '0', '--cluster-yes'], 60_000);
  assert.equal(created.status, 0, `create failed:\n${created.stdout}\n${created.stderr}`);
  assert.match(created.stdout, /\[OK\] All 16384 slots covered\./);
  await waitForAgreement('after create');

  const checked = await redisCli(['--cluster', 'check', nodes[0]!.address], 30_000);
  assert.equal(checked.status, 0, `check failed:\n${checked.stdout}\n${checked.stderr}`);
  assert.doesNotMatch(checked.stdout, /\[ERR\]|\[WARNING\]/, checked.stdout);
  assert.match(checked.stdout, /\[OK\] All nodes agree about slots configuration\./);
  assert.match(checked.stdout, /\[OK\] All 16384 slots covered\./);
  // replicas 0 with six nodes: six masters, each with a share of the slots.
  const masters = (await clusterView(nodes[0]!)).filter((line) => / master - \d/.test(line));
  assert.equal(masters.length, 6, (await clusterView(nodes[0]!)).join('\n'));
});

test('ioredis Cluster writes and reads keys across all masters', async () => {
  const cluster = new Cluster([{ host: '127.0.0.1', port: nodes[0]!.port }], { enableOfflineQueue: true, clusterRetryStrategy: () => null });
  cluster.on('error', () => undefined);
  try {
    const keys = Array.from({ length: 200 }, (_, i) => `io:${i}`);
    await Promise.all(keys.map((key) => cluster.set(key, `v-${key}`)));
    const values = await Promise.all(keys.map((key) => cluster.get(key)));
    assert.deepEqual(values, keys.map((key) => `v-${key}`));
    // The keys really are spread: every node holds some.
    const sizes = await Promise.all(nodes.map((node) => nodeCommand(node, 'DBSIZE')));
    assert.ok(sizes.every((size) => Number(size) > 0), `keys per node: ${sizes}`);
    // A multi-key command in one slot (hash tags) works; across slots it is refused.
    assert.equal(await cluster.mset('{tag}a', '1', '{tag}b', '2'), 'OK');
    assert.deepEqual(await cluster.mget('{tag}a', '{tag}b'), ['1', '2']);
  } finally {
    cluster.disconnect();
  }
});

test('node-redis createCluster writes and reads keys', async () => {
  const cluster = createCluster({ rootNodes: [{ socket: { host: '127.0.0.1', port: nodes[1]!.port } }] });
  cluster.on('error', () => undefined);
  await cluster.connect();
  try {
    for (let i = 0; i < 50; i++) await cluster.set(`nr:${i}`, String(i));
    for (let i = 0; i < 50; i++) assert.equal(await cluster.get(`nr:${i}`), String(i));
  } finally {
    await cluster.disconnect();
  }
});

test('redis-benchmark --cluster runs SET and GET against the cluster', async () => {
  const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('redis-benchmark', ['--cluster', '-h', '127.0.0.1', '-p', String(nodes[2]!.port), '-t', 'set,get', '-n', '2000', '-c', '10', '-q']);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
  assert.equal(result.code, 0, result.output);
  assert.match(result.output, /Cluster has 6 master nodes/);
  assert.match(result.output, /SET: [\d.]+ requests per second/);
  assert.match(result.output, /GET: [\d.]+ requests per second/);
});

test('a restarted node comes back with its id and slots from nodes.conf, and the cluster agrees again', async () => {
  const node = nodes[3]!;
  const idBefore = await nodeCommand(node, 'CLUSTER', 'MYID');
  const viewBefore = await clusterView(node);
  await node.stop();
  await node.restart();
  assert.equal(await nodeCommand(node, 'CLUSTER', 'MYID'), idBefore);
  const mine = (view: string[]) => view.find((line) => line.startsWith(idBefore));
  assert.equal(mine(await clusterView(node)), mine(viewBefore), 'same address, role and slots');
  await waitForAgreement('after the restart');
  assert.deepEqual(await clusterView(node), viewBefore);
});
