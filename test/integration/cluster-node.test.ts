/**
 * The cluster runtime in process: two Tessera nodes meet over real bus sockets, nodes.conf is
 * written after each change and read back on restart, and a bad nodes.conf stops the node.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodesConfFileError } from '../../src/server/cluster/nodes-conf-file.js';
import { cliPath, startTessera, type InProcessNode } from '../support/tessera.js';
import { freePort } from '../support/redis-server-process.js';
import { rawClient } from '../support/clients.js';
import type { Reply } from '../../src/resp/reply-parser.js';

const WAIT_MS = 10_000;

function text(reply: Reply): string {
  return 'value' in reply ? String(reply.value) : '';
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cluster-node-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function clusterNode(t: TestContext, dir: string): Promise<InProcessNode> {
  const node = await startTessera({ 'cluster-enabled': 'yes', dir, 'cluster-node-timeout': '3000' });
  t.after(() => node.stop());
  return node;
}

async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  // Bounded by the deadline.
  while (!(await probe())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('two in-process nodes meet over the bus and agree on slots; nodes.conf follows', async (t) => {
  const dirA = tempDir(t);
  const dirB = tempDir(t);
  const a = await clusterNode(t, dirA);
  const b = await clusterNode(t, dirB);
  const clientA = await rawClient(t, a.port);
  const clientB = await rawClient(t, b.port);
  const idA = text(await clientA.call('CLUSTER', 'MYID'));
  const idB = text(await clientB.call('CLUSTER', 'MYID'));
  assert.equal(readFileSync(join(dirA, 'nodes.conf'), 'latin1'), `${idA} :${a.port}@${a.server.cluster!.busPort} myself,master - 0 0 0 connected\nvars currentEpoch 0 lastVoteEpoch 0\n`);

  assert.deepEqual(await clientA.call('CLUSTER', 'ADDSLOTSRANGE', '0', '8191'), { type: 'simple', value: 'OK' });
  assert.deepEqual(await clientB.call('CLUSTER', 'ADDSLOTSRANGE', '8192', '16383'), { type: 'simple', value: 'OK' });
  assert.deepEqual(await clientA.call('CLUSTER', 'MEET', '127.0.0.1', String(b.port), String(b.server.cluster!.busPort)), { type: 'simple', value: 'OK' });
  await until('both nodes to say cluster_state:ok', async () => {
    const infos = await Promise.all([clientA.call('CLUSTER', 'INFO'), clientB.call('CLUSTER', 'INFO')]);
    return infos.every((info) => text(info).includes('cluster_state:ok'));
  });
  // Two links per other node, as Redis counts them.
  assert.match(text(await clientA.call('INFO', 'clients')), /\r\ncluster_connections:2\r\n/);
  assert.match(text(await clientA.call('INFO', 'cluster')), /^# Cluster\r\ncluster_enabled:1\r\n/);
  // A key of B's slots is redirected there by A.
  assert.deepEqual(await clientA.call('GET', 'foo'), { type: 'error', value: `MOVED 12182 127.0.0.1:${b.port}` });
  await until('nodes.conf of A to list B with its slots', async () => {
    const text = readFileSync(join(dirA, 'nodes.conf'), 'latin1');
    return text.includes(`${idB} 127.0.0.1:${b.port}@`) && / 8192-16383\n/.test(text);
  });
});

test('a restarted in-process node keeps its id, epoch and slots', async (t) => {
  const dir = tempDir(t);
  const first = await startTessera({ 'cluster-enabled': 'yes', dir });
  const client = await rawClient(t, first.port);
  const id = text(await client.call('CLUSTER', 'MYID'));
  await client.call('CLUSTER', 'ADDSLOTS', '1', '2', '3');
  await client.call('CLUSTER', 'BUMPEPOCH');
  assert.deepEqual(await client.call('CLUSTER', 'SAVECONFIG'), { type: 'simple', value: 'OK' });
  client.close();
  await first.stop();
  const second = await clusterNode(t, dir);
  const again = await rawClient(t, second.port);
  assert.equal(text(await again.call('CLUSTER', 'MYID')), id);
  const nodes = text(await again.call('CLUSTER', 'NODES'));
  assert.match(nodes, new RegExp(`^${id} :${second.port}@\\d+ myself,master - 0 0 1 connected 1-3\\n$`));
});

test('a corrupt nodes.conf or one held by another node stops the start with a clear error', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'nodes.conf'), 'this is not a nodes.conf\n');
  await assert.rejects(startTessera({ 'cluster-enabled': 'yes', dir }), (error: Error) => error instanceof NodesConfFileError && /corrupted cluster config file/.test(error.message));

  const shared = tempDir(t);
  await clusterNode(t, shared);
  await assert.rejects(startTessera({ 'cluster-enabled': 'yes', dir: shared }), /nodes\.conf is already used by a different Redis Cluster node/);
});

test('the server process exits 1 with the message when nodes.conf is corrupt', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'nodes.conf'), 'garbage\n');
  const port = await freePort();
  const child = spawn(process.execPath, [cliPath, 'server', '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--cluster-enabled', 'yes', '--cluster-port', String(await freePort())]);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), WAIT_MS);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve(status);
    });
  });
  assert.equal(code, 1, output);
  assert.match(output, /Unrecoverable error: corrupted cluster config file/);
});
