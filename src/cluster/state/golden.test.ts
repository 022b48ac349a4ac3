/**
 * Golden behaviour against frames captured from real redis-server 7.0.15 nodes
 * (src/cluster/bus/testdata: <frame>.bin, its ground truth <frame>.txt and the CLUSTER NODES /
 * CLUSTER INFO snapshots). A node's state is rebuilt from its snapshot, then:
 * - the header we would send equals the one Redis sent, field by field;
 * - processing a captured frame changes the receiver as the next snapshot shows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeMessage } from '../bus/codec.js';
import { MessageType } from '../bus/constants.js';
import type { ClusterMessage } from '../bus/message.js';
import { formatNodeFlags } from '../node-flags.js';
import { formatNodeLine } from '../nodes-conf.js';
import { SeededRandom } from '../../lib/random.js';
import { StepContext } from './context.js';
import { buildHeader, myExtensions } from './messages.js';
import { parseSnapshots, stateFromSnapshot, type NodeSnapshot } from './snapshot.js';
import { step } from './step.js';
import type { ClusterState } from './types.js';
import { nodeLines } from './views.js';
import { NodeFlag } from '../node-flags.js';
import { defaultSettings, newClusterState } from './create.js';

const TESTDATA = new URL('../../../../src/cluster/bus/testdata/', import.meta.url);
const NOW_MS = 1_795_288_010_000;

function frame(name: string): ClusterMessage {
  const decoded = decodeMessage(readFileSync(new URL(`${name}.bin`, TESTDATA)));
  assert.ok(decoded.ok, `${name} decodes`);
  return decoded.message;
}

function truth(name: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(new URL(`${name}.txt`, TESTDATA), 'latin1').split('\n')) {
    const match = /^([a-z_.]+): (.*)$/.exec(line);
    if (match !== null && !out.has(match[1]!)) out.set(match[1]!, match[2]!);
  }
  return out;
}

const snapshotCache = new Map<string, Map<string, NodeSnapshot[]>>();
function snapshotOf(file: string, name: string, port: number): NodeSnapshot {
  let parsed = snapshotCache.get(file);
  if (parsed === undefined) snapshotCache.set(file, (parsed = parseSnapshots(readFileSync(new URL(file, TESTDATA), 'latin1'))));
  const found = parsed.get(name)?.find((node) => node.port === port);
  assert.ok(found !== undefined, `snapshot ${name} of port ${port} in ${file}`);
  return found;
}

/** The snapshot a ground-truth line names first: `file "name" (...) -> ...`. */
function firstSnapshot(reference: string, port: number): NodeSnapshot {
  const match = /^(\S+) "([^"]+)"/.exec(reference);
  assert.ok(match !== null, `snapshot reference ${reference}`);
  return snapshotOf(match[1]!, match[2]!, port);
}

function unchanged(value: string | undefined): value is string {
  return value !== undefined && !value.includes('->');
}

const HEADER_FRAMES = [
  'ping-gossip0',
  'ping-gossip1',
  'ping-gossip2',
  'ping-gossip3',
  'ping-gossip3-from-replica',
  'pong',
  'pong-gossip0',
  'pong-gossip1',
  'ping-ext-hostname',
  'pong-ext-hostname',
  'meet',
  'meet-ext-hostname',
  'update',
];

for (const name of HEADER_FRAMES) {
  test(`golden header: ${name} is what its sender's state builds`, () => {
    const facts = truth(name);
    const port = Number(facts.get('sender.port'));
    // A hostname set in between ("(none) -> name") is already in the frame: use the later value.
    const hostnameFact = facts.get('sender.hostname') ?? '(none)';
    const hostname = /->\s*(\S+)/.exec(hostnameFact)?.[1] ?? hostnameFact;
    const state = stateFromSnapshot(firstSnapshot(facts.get('sender.snapshots')!, port), NOW_MS, {
      announceHostname: hostname === '(none)' ? '' : hostname,
    });
    const ctx = new StepContext(state, { nowMs: NOW_MS, random: new SeededRandom(1) });
    const captured = frame(name);
    const ours = buildHeader(ctx, captured.header.type);
    const theirs = captured.header;
    assert.equal(ours.senderId, theirs.senderId);
    assert.equal(ours.port, theirs.port);
    assert.equal(ours.pport, theirs.pport);
    assert.equal(ours.cport, theirs.cport);
    assert.equal(ours.announcedIp, theirs.announcedIp);
    assert.equal(ours.masterId, theirs.masterId);
    // MIGRATE_TO depends on the order the master learned its replicas; not compared.
    assert.equal(formatNodeFlags(ours.nodeFlags), formatNodeFlags(theirs.nodeFlags));
    assert.equal(ours.nodeFlags & ~NodeFlag.migrateTo, theirs.nodeFlags & ~NodeFlag.migrateTo);
    if (unchanged(facts.get('sender.slots'))) assert.deepEqual(ours.slotBitmap, theirs.slotBitmap, 'slots (a replica sends its master\'s)');
    if (unchanged(facts.get('sender.myEpoch'))) assert.equal(ours.configEpoch, theirs.configEpoch, 'configEpoch (a replica sends its master\'s)');
    if (unchanged(facts.get('sender.currentEpoch'))) assert.equal(ours.currentEpoch, theirs.currentEpoch);
    if (unchanged(facts.get('sender.cluster_state'))) assert.equal(ours.clusterState, theirs.clusterState);
    if (captured.body.kind === 'ping') assert.deepEqual(myExtensions(ctx), captured.body.extensions, 'ping extensions');
  });
}

/** Feeds a frame to a node as if it arrived on an inbound link from its sender's address. */
function receive(state: ClusterState, message: ClusterMessage, random = new SeededRandom(7)) {
  const env = { nowMs: NOW_MS, random };
  const accepted = step(state, { kind: 'linkAccepted', linkId: 'in:1', peerIp: '127.0.0.1', localIp: '127.0.0.1' }, env);
  return step(accepted.state, { kind: 'message', linkId: 'in:1', message }, env);
}

test('golden: a PING from a known node is answered with a PONG on its link and teaches nothing new', () => {
  const facts = truth('ping-gossip3');
  const receiver = stateFromSnapshot(firstSnapshot(facts.get('receiver.snapshots')!, Number(facts.get('receiver.port'))), NOW_MS);
  const result = receive(receiver, frame('ping-gossip3'));
  const sends = result.effects.filter((e) => e.kind === 'send');
  assert.equal(sends.length, 1);
  assert.equal(sends[0]!.kind === 'send' && sends[0]!.linkId, 'in:1');
  assert.equal(sends[0]!.kind === 'send' && sends[0]!.message.header.type, MessageType.pong);
  assert.equal(result.state.config.nodes.size, receiver.config.nodes.size);
  assert.deepEqual(result.state.config.slotOwners, receiver.config.slotOwners);
  // The inbound link now belongs to the sender.
  assert.equal(result.state.runtime.links.get('in:1')?.nodeId, facts.get('sender.id'));
});

test('golden: a MEET reaches a fresh node, which adds the sender in handshake at the socket address and learns its own ip', () => {
  const facts = truth('meet');
  const random = new SeededRandom(3);
  const fresh = newClusterState(defaultSettings(Number(facts.get('receiver.port'))), { nowMs: NOW_MS, random });
  const result = receive(fresh, frame('meet'), random);
  const config = result.state.config;
  assert.equal(config.nodes.size, 2);
  const added = [...config.nodes.values()].find((n) => n.id !== config.myselfId)!;
  assert.equal(formatNodeFlags(added.flags), 'handshake');
  assert.notEqual(added.id, facts.get('sender.id'), 'a random name until the first PONG');
  assert.equal(`${added.ip}:${added.port}@${added.busPort}`, `127.0.0.1:${facts.get('sender.port')}@${facts.get('sender.cport')}`);
  assert.equal(config.nodes.get(config.myselfId)!.ip, '127.0.0.1');
  const pong = result.effects.find((e) => e.kind === 'send');
  assert.ok(pong !== undefined && pong.kind === 'send' && pong.message.header.type === MessageType.pong);
  assert.ok(result.effects.some((e) => e.kind === 'saveConfig'));
});

test('golden: the UPDATE sent to a stale master makes it a replica of the new owner, as the snapshot after SIGCONT shows', () => {
  const facts = truth('update');
  const port = Number(facts.get('receiver.port'));
  const receiver = stateFromSnapshot(firstSnapshot(facts.get('receiver.snapshots')!, port), NOW_MS);
  const result = receive(receiver, frame('update'));
  const after = snapshotOf('cluster-nodes-11-after-sigcont.txt', '11-after-sigcont', port);
  const expected = after.nodesText.split('\n').find((line) => line.includes('myself'))!.split(' ');
  const me = nodeLines(result.state).find((line) => line.nodeId === result.state.config.myselfId)!;
  const ours = formatNodeLine(me).split(' ');
  // id, address, flags, master, (ping, pong differ), configEpoch, link state, slots
  assert.deepEqual([ours[0], ours[1], ours[2], ours[3], ours[6], ours[7], ours.slice(8)], [expected[0], expected[1], expected[2], expected[3], expected[6], expected[7], expected.slice(8)]);
  const newOwner = /[0-9a-f]{40}/.exec(facts.get('update_subject_node') ?? '')?.[0];
  assert.ok(result.effects.some((e) => e.kind === 'replicaOf' && e.masterId === newOwner));
  assert.equal(result.state.config.currentEpoch, Number(after.info.get('cluster_current_epoch')));
});

test('golden: a master\'s PING gossiping a PFAIL node files a failure report and carries its hostname; a replica\'s does not report', () => {
  const facts = truth('ping-ext-hostname-gossip4-pfail');
  const receiverPort = Number(facts.get('receiver.port'));
  const receiver = stateFromSnapshot(firstSnapshot(facts.get('receiver.snapshots')!, receiverPort), NOW_MS);
  const message = frame('ping-ext-hostname-gossip4-pfail');
  assert.ok(message.body.kind === 'ping');
  const pfail = message.body.gossip.filter((entry) => (entry.nodeFlags & NodeFlag.pfail) !== 0).map((entry) => entry.nodeId);
  assert.equal(pfail.length, 1);
  const senderId = facts.get('sender.id')!;
  const result = receive(receiver, message);
  assert.deepEqual([...result.state.runtime.nodes.get(pfail[0]!)!.failReports.keys()], [senderId]);
  assert.equal(result.state.config.nodes.get(senderId)!.hostname, facts.get('sender.hostname'));

  // The same kind of frame from a replica (ping-gossip4-pfail): no report.
  const fromReplica = truth('ping-gossip4-pfail');
  const replicaReceiver = stateFromSnapshot(firstSnapshot(fromReplica.get('receiver.snapshots')!, Number(fromReplica.get('receiver.port'))), NOW_MS);
  const replicaResult = receive(replicaReceiver, frame('ping-gossip4-pfail'));
  for (const record of replicaResult.state.runtime.nodes.values()) assert.equal(record.failReports.size, 0);
});
