import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigDraft, emptyConfig, slotBitmapOf, slotCount } from './config.js';
import { NodeFlag } from './node-flags.js';
import { countSlots } from './slot-bitmap.js';
import type { ClusterNode } from './state/types.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

function node(id: string, flags: number): ClusterNode {
  return { id, ip: '10.0.0.1', port: 7000, pport: 0, busPort: 17000, hostname: '', flags, masterId: null, configEpoch: 0, createdAtMs: 0 };
}

test('a draft without changes gives back the very same config; one with changes leaves the original untouched', () => {
  const base = emptyConfig(node(A, NodeFlag.myself | NodeFlag.master));
  const idle = new ConfigDraft(base);
  idle.updateNode(A, { port: 7000 });
  idle.setCurrentEpoch(0);
  assert.equal(idle.finish(), base);

  const draft = new ConfigDraft(base);
  draft.addNode(node(B, NodeFlag.master));
  draft.addSlot(5, B);
  draft.setCurrentEpoch(3);
  const next = draft.finish();
  assert.notEqual(next, base);
  assert.equal(base.nodes.size, 1);
  assert.equal(base.slotOwners[5], null);
  assert.equal(next.slotOwners[5], B);
  assert.equal(next.currentEpoch, 3);
  assert.equal(slotCount(next, B), 1);
  assert.equal(countSlots(slotBitmapOf(next, B)), 1);
  assert.equal(next.nodes.get(A), base.nodes.get(A), 'unchanged nodes are shared');
});

test('deleting a node frees its slots and open slots and orphans its replicas; renaming moves them', () => {
  const base = emptyConfig(node(A, NodeFlag.myself | NodeFlag.master));
  const draft = new ConfigDraft(base);
  draft.addNode(node(B, NodeFlag.handshake));
  draft.addSlot(1, B);
  draft.setMigrating(2, B);
  const C = 'c'.repeat(40);
  draft.renameNode(B, C);
  assert.equal(draft.owner(1), C);
  assert.equal(draft.node(B), undefined);
  draft.addNode({ ...node('d'.repeat(40), NodeFlag.slave), masterId: C });
  draft.deleteNode(C);
  const next = draft.finish();
  assert.equal(next.slotOwners[1], null);
  assert.equal(next.nodes.get('d'.repeat(40))!.masterId, null);
  assert.equal(draft.slotCount(C), 0);
});
