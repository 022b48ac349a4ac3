/**
 * Slot ownership by configEpoch, UPDATE messages, configEpoch collisions and PUBLISH, on states
 * loaded from nodes.conf text (three masters A, B, C; we are A).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../lib/random.js';
import { MessageType } from '../bus/constants.js';
import type { ClusterMessage } from '../bus/message.js';
import { slotBitmapFromRanges } from '../slot-bitmap.js';
import { StepContext } from './context.js';
import { stateFromNodesConf } from './snapshot.js';
import { buildHeader } from './messages.js';
import { step } from './step.js';
import type { ClusterEffect, ClusterState, StepResult } from './types.js';

const NOW_MS = 1_700_000_000_000;
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

function load(text: string): ClusterState {
  return stateFromNodesConf(text, NOW_MS);
}

/** We are A (epoch 1, slots 0-99), B (epoch 2, 100-199), C (epoch 3, 200-299); links to all. */
function cluster(): ClusterState {
  let state = load(
    [
      `${A} 10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-99`,
      `${B} 10.0.0.2:7000@17000 master - 0 0 2 connected 100-199`,
      `${C} 10.0.0.3:7000@17000 master - 0 0 3 connected 200-299`,
      'vars currentEpoch 3 lastVoteEpoch 0',
    ].join('\n'),
  );
  const env = { nowMs: NOW_MS, random: new SeededRandom(1) };
  // Outbound links come from the first tick; connect them all, and accept one inbound link per peer.
  const tick = step(state, { kind: 'tick' }, env);
  state = tick.state;
  for (const effect of tick.effects) if (effect.kind === 'connect') state = step(state, { kind: 'linkConnected', linkId: effect.linkId, localIp: '10.0.0.1' }, env).state;
  for (const [i, ip] of ['10.0.0.2', '10.0.0.3'].entries()) {
    state = step(state, { kind: 'linkAccepted', linkId: `in:${i}`, peerIp: ip, localIp: '10.0.0.1' }, env).state;
  }
  return state;
}

/** A PING as `from` would send it, claiming `ranges` at `configEpoch`. */
function pingFrom(from: string, configEpoch: number, ranges: { start: number; end: number }[], currentEpoch = configEpoch): ClusterMessage {
  const me = load(`${from} 10.0.0.9:7000@17000 myself,master - 0 0 ${configEpoch} connected\nvars currentEpoch ${currentEpoch} lastVoteEpoch 0`);
  const header = buildHeader(new StepContext(me, { nowMs: NOW_MS, random: new SeededRandom(2) }), MessageType.ping);
  return { header: { ...header, slotBitmap: slotBitmapFromRanges(ranges) }, body: { kind: 'ping', gossip: [], extensions: [] } };
}

function deliver(state: ClusterState, linkId: string, message: ClusterMessage, nowMs = NOW_MS): StepResult {
  return step(state, { kind: 'message', linkId, message }, { nowMs, random: new SeededRandom(3) });
}

function sends(effects: readonly ClusterEffect[], type: number): ClusterEffect[] {
  return effects.filter((e) => (e.kind === 'send' || e.kind === 'broadcast') && e.message.header.type === type);
}

test('a claim with a greater configEpoch takes the slot; a smaller one does not', () => {
  const state = cluster();
  // B (epoch 2 → 4) now claims 250-260, which C (epoch 3) owns: B wins.
  const won = deliver(state, 'in:0', pingFrom(B, 4, [{ start: 100, end: 199 }, { start: 250, end: 260 }]));
  assert.equal(won.state.config.slotOwners[255], B);
  assert.equal(won.state.config.slotOwners[249], C);
  assert.equal(won.state.config.currentEpoch, 4);
  assert.ok(won.effects.some((e) => e.kind === 'saveConfig' && e.fsync));
  // B at its old epoch 2 claiming C's slots: nothing moves, and B is told with an UPDATE about C.
  const lost = deliver(state, 'in:0', pingFrom(B, 2, [{ start: 100, end: 199 }, { start: 250, end: 260 }]));
  assert.equal(lost.state.config.slotOwners[255], C);
  const updates = sends(lost.effects, MessageType.update);
  assert.equal(updates.length, 1);
  const update = updates[0]!;
  assert.ok(update.kind === 'send' && update.message.body.kind === 'update');
  assert.equal(update.message.body.nodeId, C);
  assert.equal(update.message.body.configEpoch, 3);
  assert.equal(update.linkId, lost.state.runtime.nodes.get(B)!.outboundLinkId, 'on our outbound link to B');
});

test('our slots lost to a newer claim: keys dropped, or we follow the claimant when we lose them all', () => {
  const state = cluster();
  const partial = deliver(state, 'in:0', pingFrom(B, 4, [{ start: 100, end: 199 }, { start: 0, end: 9 }]));
  assert.equal(partial.state.config.slotOwners[5], B);
  const drop = partial.effects.find((e) => e.kind === 'dropSlotKeys');
  assert.ok(drop !== undefined && drop.kind === 'dropSlotKeys');
  assert.deepEqual(drop.slots, Array.from({ length: 10 }, (_, i) => i));

  const all = deliver(state, 'in:0', pingFrom(B, 4, [{ start: 0, end: 199 }]));
  const me = all.state.config.nodes.get(A)!;
  assert.equal(me.masterId, B);
  assert.ok(all.effects.some((e) => e.kind === 'replicaOf' && e.masterId === B));
});

test('an importing slot is left alone; a slot its owner stops claiming stays bound but is not spread in UPDATEs', () => {
  let state = cluster();
  state = step(state, { kind: 'command', command: { kind: 'setSlot', slot: 150, action: 'importing', nodeId: B } }, { nowMs: NOW_MS, random: new SeededRandom(4) }).state;
  const claim = deliver(state, 'in:1', pingFrom(C, 5, [{ start: 200, end: 299 }, { start: 150, end: 150 }]));
  assert.equal(claim.state.config.slotOwners[150], B);
  // B stops claiming 120: still B's; an UPDATE about B (sent to a stale claimant) leaves 120 out.
  const dropped = deliver(state, 'in:0', pingFrom(B, 2, [{ start: 100, end: 119 }, { start: 121, end: 199 }]));
  assert.equal(dropped.state.config.slotOwners[120], B);
  assert.equal(dropped.state.runtime.ownerNotClaimingSlot[120 >> 3]! & (1 << (120 & 7)), 1 << (120 & 7));
});

test('an UPDATE about a node with a newer epoch rebinds its slots', () => {
  const state = cluster();
  const update: ClusterMessage = {
    header: pingFrom(B, 2, [{ start: 100, end: 199 }], 6).header,
    body: { kind: 'update', configEpoch: 6, nodeId: C, slotBitmap: slotBitmapFromRanges([{ start: 200, end: 299 }, { start: 100, end: 109 }]) },
  };
  const result = deliver(state, 'in:0', { ...update, header: { ...update.header, type: MessageType.update } });
  assert.equal(result.state.config.nodes.get(C)!.configEpoch, 6);
  assert.equal(result.state.config.slotOwners[105], C);
  assert.equal(result.state.config.slotOwners[115], B);
});

test('configEpoch collision: the smaller id moves to currentEpoch + 1, the greater stays', () => {
  const env = { nowMs: NOW_MS, random: new SeededRandom(5) };
  const asA = load(
    [`${A} 10.0.0.1:7000@17000 myself,master - 0 0 1 connected`, `${B} 10.0.0.2:7000@17000 master - 0 0 0 connected`, 'vars currentEpoch 3 lastVoteEpoch 0'].join('\n'),
  );
  // B's epoch rises to ours (1): A < B, so A moves to currentEpoch + 1.
  const acceptedByA = step(asA, { kind: 'linkAccepted', linkId: 'in:9', peerIp: '10.0.0.2', localIp: '10.0.0.1' }, env).state;
  const moved = deliver(acceptedByA, 'in:9', pingFrom(B, 1, [], 3));
  assert.equal(moved.state.config.nodes.get(B)!.configEpoch, 1);
  assert.equal(moved.state.config.nodes.get(A)!.configEpoch, 4);
  assert.equal(moved.state.config.currentEpoch, 4);
  // Seen from C (the greatest id), a collision with A changes nothing.
  const asC = load(
    [`${C} 10.0.0.3:7000@17000 myself,master - 0 0 1 connected`, `${A} 10.0.0.1:7000@17000 master - 0 0 1 connected`, 'vars currentEpoch 1 lastVoteEpoch 0'].join('\n'),
  );
  const accepted = step(asC, { kind: 'linkAccepted', linkId: 'in:9', peerIp: '10.0.0.1', localIp: '10.0.0.3' }, env).state;
  const stays = deliver(accepted, 'in:9', pingFrom(A, 1, []));
  assert.equal(stays.state.config.nodes.get(C)!.configEpoch, 1);
});

test('PUBLISH goes to every node, SPUBLISH to my shard; a known sender\'s PUBLISH is delivered locally', () => {
  const state = cluster();
  const env = { nowMs: NOW_MS, random: new SeededRandom(6) };
  const published = step(state, { kind: 'command', command: { kind: 'publish', channel: 'ch', message: 'hi', shard: false } }, env);
  const broadcast = published.effects.find((e) => e.kind === 'broadcast');
  assert.ok(broadcast !== undefined && broadcast.kind === 'broadcast');
  assert.equal(broadcast.linkIds.length, 2);
  assert.deepEqual(broadcast.message.body, { kind: 'publish', channel: 'ch', message: 'hi' });
  // A master without replicas: SPUBLISH has nobody to tell.
  const sharded = step(state, { kind: 'command', command: { kind: 'publish', channel: 'ch', message: 'hi', shard: true } }, env);
  assert.equal(sends(sharded.effects, MessageType.publishShard).length, 0);

  const message: ClusterMessage = { header: { ...pingFrom(B, 2, [{ start: 100, end: 199 }]).header, type: MessageType.publishShard }, body: { kind: 'publish', channel: 'sch', message: 'x' } };
  const delivered = deliver(state, 'in:0', message);
  assert.deepEqual(delivered.effects.find((e) => e.kind === 'deliverPublish'), { kind: 'deliverPublish', channel: 'sch', message: 'x', shard: true });
  const stranger = { ...message, header: { ...message.header, senderId: 'd'.repeat(40) } };
  const fresh = step(state, { kind: 'linkAccepted', linkId: 'in:5', peerIp: '10.0.0.4', localIp: '10.0.0.1' }, env).state;
  assert.equal(deliver(fresh, 'in:5', stranger).effects.some((e) => e.kind === 'deliverPublish'), false);
});
