/**
 * The 100 ms cron: pings a node whose pong is older than half the node timeout, flags PFAIL when
 * a ping stays unanswered past the timeout, a PONG clears it; views print it as Redis does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../lib/random.js';
import { MessageType } from '../bus/constants.js';
import { formatNodeFlags } from '../node-flags.js';
import { formatNodeLine, formatNodesConf, parseNodesConf } from '../nodes-conf.js';
import { defaultSettings, loadClusterState } from './create.js';
import { stateFromNodesConf } from './snapshot.js';
import { step } from './step.js';
import type { ClusterState } from './types.js';
import { clusterInfoLines, nodeLines } from './views.js';
import { StepContext } from './context.js';
import { buildPing } from './messages.js';

const T0 = 1_700_000_000_000;
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

function twoNodes(): { state: ClusterState; linkId: string } {
  const loaded = stateFromNodesConf(
    [`${A} 10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-8191`, `${B} 10.0.0.2:7000@17000 master - 0 0 2 connected 8192-16383`, 'vars currentEpoch 2 lastVoteEpoch 0'].join('\n'),
    T0,
    { nodeTimeoutMs: 2000 },
  );
  const env = { nowMs: T0, random: new SeededRandom(1) };
  const tick = step(loaded, { kind: 'tick' }, env);
  const connect = tick.effects.find((e) => e.kind === 'connect');
  assert.ok(connect !== undefined && connect.kind === 'connect');
  const connected = step(tick.state, { kind: 'linkConnected', linkId: connect.linkId, localIp: '10.0.0.1' }, env);
  const first = connected.effects.find((e) => e.kind === 'send');
  assert.ok(first !== undefined && first.kind === 'send' && first.message.header.type === MessageType.ping, 'a PING as soon as the link is up');
  return { state: connected.state, linkId: connect.linkId };
}

test('PFAIL after an unanswered ping outlives the node timeout; a PONG clears it', () => {
  const start = twoNodes();
  let state = start.state;
  const linkId = start.linkId;
  const tick = (nowMs: number) => {
    const result = step(state, { kind: 'tick' }, { nowMs, random: new SeededRandom(nowMs) });
    state = result.state;
    return result;
  };
  tick(T0 + 2000);
  assert.equal(formatNodeFlags(state.config.nodes.get(B)!.flags), 'master');
  tick(T0 + 2001);
  assert.equal(formatNodeFlags(state.config.nodes.get(B)!.flags), 'master,fail?');
  assert.equal(state.runtime.pfailNodes, 0, 'counted by the next cron');
  tick(T0 + 2100);
  assert.equal(state.runtime.pfailNodes, 1);
  // CLUSTER INFO: B's slots are pfail; with 2 masters, 1 reachable is a minority.
  const info = clusterInfoLines(state);
  assert.ok(info.includes('cluster_slots_pfail:8192'));
  assert.ok(info.includes('cluster_state:fail'));

  // The silent link was dropped (older than the timeout, no traffic for half of it) and redialled.
  const redialled = state.runtime.nodes.get(B)!.outboundLinkId!;
  assert.notEqual(redialled, linkId);
  state = step(state, { kind: 'linkConnected', linkId: redialled, localIp: '10.0.0.1' }, { nowMs: T0 + 2150, random: new SeededRandom(3) }).state;
  const pongFromB = buildPing(new StepContext(loadB(), { nowMs: T0, random: new SeededRandom(2) }), MessageType.pong);
  const answered = step(state, { kind: 'message', linkId: redialled, message: pongFromB }, { nowMs: T0 + 2200, random: new SeededRandom(3) });
  assert.equal(formatNodeFlags(answered.state.config.nodes.get(B)!.flags), 'master');
  assert.equal(answered.state.runtime.nodes.get(B)!.pingSentAtMs, 0);
  assert.equal(answered.state.runtime.nodes.get(B)!.pongReceivedAtMs, T0 + 2200);
});

test('a node whose pong is older than half the timeout is pinged at once', () => {
  const start = twoNodes();
  let state = start.state;
  const linkId = start.linkId;
  const pongFromB = buildPing(new StepContext(loadB(), { nowMs: T0, random: new SeededRandom(2) }), MessageType.pong);
  state = step(state, { kind: 'message', linkId, message: pongFromB }, { nowMs: T0 + 10, random: new SeededRandom(3) }).state;
  const early = step(state, { kind: 'tick' }, { nowMs: T0 + 1000, random: new SeededRandom(4) });
  assert.equal(early.effects.filter((e) => e.kind === 'send').length, 0);
  const late = step(early.state, { kind: 'tick' }, { nowMs: T0 + 1011, random: new SeededRandom(5) });
  assert.equal(late.effects.filter((e) => e.kind === 'send' && e.linkId === linkId && e.message.header.type === MessageType.ping).length, 1);
});

test('CLUSTER NODES lines and nodes.conf: Redis format, handshake nodes left out of the file, and it loads back', () => {
  const { state } = twoNodes();
  const lines = nodeLines(state).map(formatNodeLine);
  assert.deepEqual(lines, [
    `${A} 10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-8191`,
    `${B} 10.0.0.2:7000@17000 master - ${T0} 0 2 connected 8192-16383`,
  ]);
  const met = step(state, { kind: 'command', command: { kind: 'meet', ip: '10.0.0.3', port: 7000 } }, { nowMs: T0, random: new SeededRandom(6) });
  assert.equal(nodeLines(met.state).length, 3);
  const text = formatNodesConf({ nodes: nodeLines(met.state, { excludeHandshake: true }), vars: { currentEpoch: 2, lastVoteEpoch: 0 } });
  assert.equal(text.split('\n').length, 4);
  const reparsed = parseNodesConf(text);
  assert.ok(reparsed.ok);
  const reloaded = loadClusterState(reparsed.value, defaultSettings(7000), T0 + 5);
  assert.ok(reloaded.ok);
  assert.deepEqual(reloaded.state.config.slotOwners, state.config.slotOwners);
  assert.equal(reloaded.state.config.myselfId, A);
});

function loadB(): ClusterState {
  return stateFromNodesConf(
    [`${B} 10.0.0.2:7000@17000 myself,master - 0 0 2 connected 8192-16383`, `${A} 10.0.0.1:7000@17000 master - 0 0 1 connected 0-8191`, 'vars currentEpoch 2 lastVoteEpoch 0'].join('\n'),
    T0,
  );
}

test('every 10th tick pings one node: the oldest pong among 5 random picks', () => {
  const ids = ['b', 'c', 'd', 'e', 'f', '9'].map((c) => c.repeat(40));
  let state = stateFromNodesConf(
    [`${A} 10.0.0.1:7000@17000 myself,master - 0 0 1 connected`, ...ids.map((id, i) => `${id} 10.0.0.${i + 2}:7000@17000 master - 0 0 0 connected`), 'vars currentEpoch 1 lastVoteEpoch 0'].join('\n'),
    T0,
  );
  const env = (nowMs: number) => ({ nowMs, random: new SeededRandom(nowMs) });
  const first = step(state, { kind: 'tick' }, env(T0));
  state = first.state;
  for (const effect of first.effects) if (effect.kind === 'connect') state = step(state, { kind: 'linkConnected', linkId: effect.linkId, localIp: '10.0.0.1' }, env(T0)).state;
  // Everybody answered recently (oldest pong: the last id), nothing in flight.
  ids.forEach((id, i) => {
    const record = state.runtime.nodes.get(id)!;
    record.pingSentAtMs = 0;
    record.pongReceivedAtMs = T0 + 100 - i;
  });
  const pinged: string[] = [];
  for (let tick = 2; tick <= 10; tick++) {
    const result = step(state, { kind: 'tick' }, env(T0 + tick * 100));
    state = result.state;
    for (const effect of result.effects) {
      if (effect.kind !== 'send') continue;
      pinged.push(`${tick}:${state.runtime.links.get(effect.linkId)!.nodeId}`);
    }
  }
  assert.equal(pinged.length, 1, `one random ping, at the 10th tick: ${pinged.join(' ')}`);
  assert.match(pinged[0]!, /^10:/);
});
