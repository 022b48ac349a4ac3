/**
 * CLUSTER subcommands as state-machine inputs: replies (error texts checked against a real
 * redis-server 7.0.15 started with --cluster-enabled yes) and what they change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../lib/random.js';
import { NodeFlag, formatNodeFlags } from '../node-flags.js';
import { slotCount } from '../config.js';
import { defaultSettings, newClusterState } from './create.js';
import { step } from './step.js';
import type { ClusterCommand, ClusterState, CommandContext, CommandReply, StepResult } from './types.js';

const NOW_MS = 1_700_000_000_000;

function fresh(port = 7000, seed = 1): ClusterState {
  return newClusterState(defaultSettings(port), { nowMs: NOW_MS, random: new SeededRandom(seed) });
}

function run(state: ClusterState, command: ClusterCommand, context: CommandContext = {}, nowMs = NOW_MS): StepResult {
  return step(state, { kind: 'command', command, context }, { nowMs, random: new SeededRandom(9) });
}

function reply(state: ClusterState, command: ClusterCommand, context?: CommandContext): CommandReply | undefined {
  return run(state, command, context).reply;
}

const err = (message: string): CommandReply => ({ kind: 'error', message });
const OK: CommandReply = { kind: 'ok' };
const UNKNOWN_ID = '0000000000000000000000000000000000000000';

test('ADDSLOTS / DELSLOTS: Redis error texts, all checked before any change', () => {
  let state = fresh();
  assert.deepEqual(reply(state, { kind: 'addSlots', slots: [5, 5] }), err('ERR Slot 5 specified multiple times'));
  const added = run(state, { kind: 'addSlots', slots: [5, 7] });
  assert.deepEqual(added.reply, OK);
  state = added.state;
  assert.equal(slotCount(state.config, state.config.myselfId), 2);
  assert.ok(added.effects.some((e) => e.kind === 'saveConfig'));
  assert.deepEqual(reply(state, { kind: 'addSlots', slots: [6, 5] }), err('ERR Slot 5 is already busy'));
  assert.equal(slotCount(run(state, { kind: 'addSlots', slots: [6, 5] }).state.config, state.config.myselfId), 2, 'slot 6 not added');
  assert.deepEqual(reply(state, { kind: 'delSlots', slots: [6] }), err('ERR Slot 6 is already unassigned'));
  assert.deepEqual(reply(state, { kind: 'delSlots', slots: [5, 5] }), err('ERR Slot 5 specified multiple times'));
  const deleted = run(state, { kind: 'delSlots', slots: [5] });
  assert.deepEqual(deleted.reply, OK);
  assert.equal(deleted.state.config.slotOwners[5], null);
  assert.equal(deleted.state.config.slotOwners[7], state.config.myselfId);
});

test('FLUSHSLOTS needs an empty db', () => {
  const state = run(fresh(), { kind: 'addSlots', slots: [1, 2, 3] }).state;
  assert.deepEqual(reply(state, { kind: 'flushSlots' }, { keyCount: () => 1 }), err('ERR DB must be empty to perform CLUSTER FLUSHSLOTS.'));
  const flushed = run(state, { kind: 'flushSlots' }, { keyCount: () => 0 });
  assert.deepEqual(flushed.reply, OK);
  assert.equal(slotCount(flushed.state.config, state.config.myselfId), 0);
});

test('MEET: address checks, a handshake node with a random id, flagged MEET; a second MEET of the same address is a no-op', () => {
  const state = fresh();
  assert.deepEqual(reply(state, { kind: 'meet', ip: '1.2.3', port: 7000 }), err('ERR Invalid node address specified: 1.2.3:7000'));
  assert.deepEqual(reply(state, { kind: 'meet', ip: '01.2.3.4', port: 7000 }), err('ERR Invalid node address specified: 01.2.3.4:7000'));
  assert.deepEqual(reply(state, { kind: 'meet', ip: '127.0.0.1', port: 0 }), err('ERR Invalid node address specified: 127.0.0.1:0'));
  assert.deepEqual(reply(state, { kind: 'meet', ip: '127.0.0.1', port: 70000 }), err('ERR Invalid node address specified: 127.0.0.1:70000'));
  assert.deepEqual(reply(state, { kind: 'meet', ip: '127.0.0.1', port: 7000, busPort: 0 }), err('ERR Invalid node address specified: 127.0.0.1:7000'));
  const met = run(state, { kind: 'meet', ip: '::FFFF:1.2.3.4', port: 7001 });
  assert.deepEqual(met.reply, OK);
  const node = [...met.state.config.nodes.values()].find((n) => n.id !== met.state.config.myselfId)!;
  assert.equal(`${node.ip}:${node.port}@${node.busPort}`, '::ffff:1.2.3.4:7001@17001');
  assert.equal(node.flags, NodeFlag.handshake | NodeFlag.meet);
  assert.match(node.id, /^[0-9a-f]{40}$/);
  const again = run(met.state, { kind: 'meet', ip: '::ffff:1.2.3.4', port: 7001 });
  assert.deepEqual(again.reply, OK);
  assert.equal(again.state.config.nodes.size, 2);
  // The next tick connects to it.
  const tick = step(met.state, { kind: 'tick' }, { nowMs: NOW_MS + 100, random: new SeededRandom(2) });
  assert.ok(tick.effects.some((e) => e.kind === 'connect' && e.nodeId === node.id && e.ip === '::ffff:1.2.3.4' && e.busPort === 17001));
});

test('FORGET: unknown, myself, then a 60 s ban on re-learning', () => {
  let state = fresh();
  const me = state.config.myselfId;
  assert.deepEqual(reply(state, { kind: 'forget', nodeId: 'abc' }), err('ERR Unknown node abc'));
  assert.deepEqual(reply(state, { kind: 'forget', nodeId: UNKNOWN_ID }), err(`ERR Unknown node ${UNKNOWN_ID}`));
  assert.deepEqual(reply(state, { kind: 'forget', nodeId: me }), err("ERR I tried hard but I can't forget myself..."));
  state = run(state, { kind: 'meet', ip: '10.0.0.2', port: 7000 }).state;
  const other = [...state.config.nodes.keys()].find((id) => id !== me)!;
  const forgotten = run(state, { kind: 'forget', nodeId: other });
  assert.deepEqual(forgotten.reply, OK);
  assert.equal(forgotten.state.config.nodes.has(other), false);
  assert.equal(forgotten.state.runtime.forgetBlacklist.get(other), Math.floor(NOW_MS / 1000) + 60);
});

test('SETSLOT: Redis error texts and what each action changes', () => {
  let state = run(fresh(), { kind: 'addSlots', slots: [5] }).state;
  const me = state.config.myselfId;
  assert.deepEqual(reply(state, { kind: 'setSlot', slot: 5, action: 'migrating', nodeId: 'abc' }), err("ERR I don't know about node abc"));
  assert.deepEqual(reply(state, { kind: 'setSlot', slot: 6, action: 'migrating', nodeId: 'abc' }), err("ERR I'm not the owner of hash slot 6"));
  assert.deepEqual(reply(state, { kind: 'setSlot', slot: 5, action: 'importing', nodeId: 'abc' }), err("ERR I'm already the owner of hash slot 5"));
  assert.deepEqual(reply(state, { kind: 'setSlot', slot: 6, action: 'importing', nodeId: 'abc' }), err("ERR I don't know about node abc"));
  assert.deepEqual(reply(state, { kind: 'setSlot', slot: 6, action: 'node', nodeId: 'abc' }), err('ERR Unknown node abc'));
  state = run(state, { kind: 'setSlot', slot: 5, action: 'migrating', nodeId: me }).state;
  assert.equal(state.config.migratingTo.get(5), me);
  state = run(state, { kind: 'setSlot', slot: 5, action: 'stable' }).state;
  assert.equal(state.config.migratingTo.size, 0);
  const assigned = run(state, { kind: 'setSlot', slot: 9, action: 'node', nodeId: me });
  assert.deepEqual(assigned.reply, OK);
  assert.equal(assigned.state.config.slotOwners[9], me);
});

test('SETSLOT NODE to another node refuses while keys remain; an emptied master follows the new owner', () => {
  let state = run(fresh(), { kind: 'addSlots', slots: [5] }).state;
  state = run(state, { kind: 'meet', ip: '10.0.0.2', port: 7000 }).state;
  const other = [...state.config.nodes.values()].find((n) => n.id !== state.config.myselfId)!;
  // Make the handshake node a known master, as a completed handshake would.
  state = { ...state, config: { ...state.config, nodes: new Map([...state.config.nodes].map(([id, n]) => [id, id === other.id ? { ...n, flags: NodeFlag.master } : n])) } };
  assert.deepEqual(
    reply(state, { kind: 'setSlot', slot: 5, action: 'node', nodeId: other.id }, { keysInSlot: () => 3 }),
    err("ERR Can't assign hashslot 5 to a different node while I still hold keys for this hash slot."),
  );
  const moved = run(state, { kind: 'setSlot', slot: 5, action: 'node', nodeId: other.id }, { keysInSlot: () => 0 });
  assert.deepEqual(moved.reply, OK);
  const me = moved.state.config.nodes.get(moved.state.config.myselfId)!;
  assert.equal(formatNodeFlags(me.flags & ~NodeFlag.migrateTo), 'myself,slave');
  assert.equal(me.masterId, other.id);
  assert.ok(moved.effects.some((e) => e.kind === 'replicaOf' && e.masterId === other.id));
});

test('BUMPEPOCH and SET-CONFIG-EPOCH', () => {
  let state = fresh();
  assert.deepEqual(reply(state, { kind: 'setConfigEpoch', configEpoch: -1 }), err('ERR Invalid config epoch specified: -1'));
  const bumped = run(state, { kind: 'bumpEpoch' });
  assert.deepEqual(bumped.reply, { kind: 'status', text: 'BUMPED 1' });
  assert.deepEqual(reply(bumped.state, { kind: 'bumpEpoch' }), { kind: 'status', text: 'STILL 1' });
  assert.deepEqual(reply(bumped.state, { kind: 'setConfigEpoch', configEpoch: 5 }), err('ERR Node config epoch is already non-zero'));
  const set = run(state, { kind: 'setConfigEpoch', configEpoch: 7 });
  assert.deepEqual(set.reply, OK);
  assert.equal(set.state.config.currentEpoch, 7);
  assert.deepEqual(reply(set.state, { kind: 'bumpEpoch' }), { kind: 'status', text: 'STILL 7' });
  state = run(state, { kind: 'meet', ip: '10.0.0.2', port: 7000 }).state;
  assert.deepEqual(
    reply(state, { kind: 'setConfigEpoch', configEpoch: 7 }),
    err('ERR The user can assign a config epoch only when the node does not know any other node.'),
  );
});

test('REPLICATE checks', () => {
  const state = fresh();
  assert.deepEqual(reply(state, { kind: 'replicate', nodeId: 'abc' }), err('ERR Unknown node abc'));
  assert.deepEqual(reply(state, { kind: 'replicate', nodeId: state.config.myselfId }), err("ERR Can't replicate myself"));
});

test('RESET: a master with keys refuses; HARD forgets everybody, zeroes the epochs and takes a new id', () => {
  let state = run(fresh(), { kind: 'addSlots', slots: [1, 2] }).state;
  state = run(state, { kind: 'bumpEpoch' }).state;
  state = run(state, { kind: 'meet', ip: '10.0.0.2', port: 7000 }).state;
  assert.deepEqual(reply(state, { kind: 'reset', hard: false }, { keyCount: () => 1 }), err("ERR CLUSTER RESET can't be called with master nodes containing keys"));
  const soft = run(state, { kind: 'reset', hard: false });
  assert.equal(soft.state.config.nodes.size, 1);
  assert.equal(soft.state.config.myselfId, state.config.myselfId);
  assert.equal(soft.state.config.currentEpoch, 1);
  assert.equal(slotCount(soft.state.config, state.config.myselfId), 0);
  const hard = run(state, { kind: 'reset', hard: true });
  assert.notEqual(hard.state.config.myselfId, state.config.myselfId);
  assert.equal(hard.state.config.currentEpoch, 0);
  assert.equal(hard.state.config.nodes.get(hard.state.config.myselfId)!.configEpoch, 0);
  assert.ok(hard.effects.some((e) => e.kind === 'saveConfig' && e.fsync));
});

test('CONFIG SET of cluster directives: announced address and NOFAILOVER at once, hostname on the next tick', () => {
  const state = fresh();
  const env = { nowMs: NOW_MS, random: new SeededRandom(3) };
  const settings = { ...state.settings, announceIp: '192.0.2.7', announcePort: 6999, announceBusPort: 16999, announceHostname: 'n1.example', replicaNoFailover: true };
  const changed = step(state, { kind: 'settings', settings }, env);
  const me = changed.state.config.nodes.get(state.config.myselfId)!;
  assert.equal(`${me.ip}:${me.port}@${me.busPort}`, '192.0.2.7:6999@16999');
  assert.equal(formatNodeFlags(me.flags), 'myself,master,nofailover');
  assert.equal(me.hostname, '');
  const ticked = step(changed.state, { kind: 'tick' }, env);
  assert.equal(ticked.state.config.nodes.get(state.config.myselfId)!.hostname, 'n1.example');
  // Unsetting the announced ip forgets it: the next MEET teaches it again.
  const unset = step(ticked.state, { kind: 'settings', settings: { ...settings, announceIp: '' } }, env);
  assert.equal(unset.state.config.nodes.get(state.config.myselfId)!.ip, '');
});
