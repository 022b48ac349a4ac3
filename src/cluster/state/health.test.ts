/**
 * cluster_state (clusterUpdateState): full coverage, minority partitions, the 2 s writable delay
 * of a master after start and the rejoin delay after a minority; FAIL messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../lib/random.js';
import { MessageType } from '../bus/constants.js';
import { formatNodeFlags } from '../node-flags.js';
import { StepContext } from './context.js';
import { defaultSettings, newClusterState } from './create.js';
import { stateFromNodesConf } from './snapshot.js';
import { buildHeader } from './messages.js';
import { step } from './step.js';
import type { ClusterInput, ClusterSettings, ClusterState } from './types.js';

const T0 = 1_700_000_000_000;
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

function at(state: ClusterState, input: ClusterInput, nowMs: number): ClusterState {
  return step(state, input, { nowMs, random: new SeededRandom(nowMs) }).state;
}

test('a lone master with every slot turns ok only 2 s after its first state check', () => {
  let state = newClusterState(defaultSettings(7000), { nowMs: T0, random: new SeededRandom(1) });
  state = at(state, { kind: 'command', command: { kind: 'addSlots', slots: Array.from({ length: 16384 }, (_, i) => i) } }, T0);
  assert.equal(state.runtime.health, 'fail');
  state = at(state, { kind: 'tick' }, T0 + 1999);
  assert.equal(state.runtime.health, 'fail');
  state = at(state, { kind: 'tick' }, T0 + 2000);
  assert.equal(state.runtime.health, 'ok');
  assert.equal(state.runtime.size, 1);
  // An uncovered slot: fail at once, unless full coverage is not required.
  const uncovered = at(state, { kind: 'command', command: { kind: 'delSlots', slots: [77] } }, T0 + 2100);
  assert.equal(uncovered.runtime.health, 'fail');
  const settings: ClusterSettings = { ...state.settings, requireFullCoverage: false };
  const relaxed = at(at(state, { kind: 'settings', settings }, T0 + 2100), { kind: 'command', command: { kind: 'delSlots', slots: [77] } }, T0 + 2100);
  assert.equal(relaxed.runtime.health, 'ok');
});

function threeMasters(): ClusterState {
  return stateFromNodesConf(
    [
      `${A} 10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460`,
      `${B} 10.0.0.2:7000@17000 master - 0 0 2 connected 5461-10922`,
      `${C} 10.0.0.3:7000@17000 master - 0 0 3 connected 10923-16383`,
      'vars currentEpoch 3 lastVoteEpoch 0',
    ].join('\n'),
    T0,
  );
}

test('FAIL from a known node flags the node, and its slots make the cluster fail', () => {
  let state = at(threeMasters(), { kind: 'tick' }, T0);
  state = at(state, { kind: 'tick' }, T0 + 2000);
  assert.equal(state.runtime.health, 'ok');
  state = at(state, { kind: 'linkAccepted', linkId: 'in:1', peerIp: '10.0.0.2', localIp: '10.0.0.1' }, T0 + 2000);
  const fromB = (type: number) => {
    const ctx = new StepContext({ ...state, config: { ...state.config, myselfId: B } }, { nowMs: T0, random: new SeededRandom(2) });
    return buildHeader(ctx, type);
  };
  const fail = { header: fromB(MessageType.fail), body: { kind: 'fail' as const, failingNodeId: C } };
  state = at(state, { kind: 'message', linkId: 'in:1', message: fail }, T0 + 2100);
  assert.equal(formatNodeFlags(state.config.nodes.get(C)!.flags), 'master,fail');
  assert.equal(state.runtime.health, 'fail');
  assert.equal(state.runtime.nodes.get(C)!.failTimeMs, T0 + 2100);
});

test('a master cut off from the majority fails, and after the partition heals waits the rejoin delay', () => {
  let state = at(threeMasters(), { kind: 'tick' }, T0);
  state = at(state, { kind: 'tick' }, T0 + 2000);
  assert.equal(state.runtime.health, 'ok');
  // B and C look unreachable (PFAIL): we are a minority of one out of three.
  const pfail = (id: string, on: boolean): void => {
    const node = state.config.nodes.get(id)!;
    const nodes = new Map(state.config.nodes);
    nodes.set(id, { ...node, flags: on ? node.flags | 4 : node.flags & ~4 });
    state = { ...state, config: { ...state.config, nodes } };
  };
  pfail(B, true);
  pfail(C, true);
  // (SETSLOT ... STABLE is here just an input that asks for a state update.)
  state = at(state, { kind: 'command', command: { kind: 'setSlot', slot: 0, action: 'stable' } }, T0 + 3000);
  assert.equal(state.runtime.health, 'fail');
  pfail(B, false);
  pfail(C, false);
  state = at(state, { kind: 'command', command: { kind: 'setSlot', slot: 0, action: 'stable' } }, T0 + 3500);
  assert.equal(state.runtime.health, 'fail', 'rejoin delay: node timeout (15 s) clamped to [0.5 s, 5 s]');
  state = at(state, { kind: 'command', command: { kind: 'setSlot', slot: 0, action: 'stable' } }, T0 + 7999);
  assert.equal(state.runtime.health, 'fail');
  state = at(state, { kind: 'command', command: { kind: 'setSlot', slot: 0, action: 'stable' } }, T0 + 8000);
  assert.equal(state.runtime.health, 'ok');
});
