/**
 * The MEET handshake step by step between two state machines wired by hand (the transcript of
 * what Redis 7.0 does): A MEETs B; B adds A in handshake under a random name and answers PONG;
 * A renames its handshake node to B's real id; B connects back, A answers B's PING, and B renames
 * its handshake node too. Then both know each other, flags master, links connected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../lib/random.js';
import { decodeMessage, encodeMessage } from '../bus/codec.js';
import { MessageType } from '../bus/constants.js';
import type { ClusterMessage } from '../bus/message.js';
import { formatNodeFlags } from '../node-flags.js';
import { defaultSettings, newClusterState } from './create.js';
import { step } from './step.js';
import type { ClusterEffect, ClusterInput, ClusterState } from './types.js';
import { StepContext } from './context.js';
import { buildHeader } from './messages.js';

const START_MS = 1_700_000_000_000;

class Peer {
  state: ClusterState;
  readonly random: SeededRandom;
  effects: ClusterEffect[] = [];
  constructor(
    readonly ip: string,
    seed: number,
  ) {
    this.random = new SeededRandom(seed);
    this.state = newClusterState(defaultSettings(7000), { nowMs: START_MS, random: this.random });
  }
  get id(): string {
    return this.state.config.myselfId;
  }
  input(input: ClusterInput, nowMs: number): ClusterEffect[] {
    const result = step(this.state, input, { nowMs, random: this.random });
    this.state = result.state;
    this.effects = [...result.effects];
    return this.effects;
  }
  /** The one message sent on `linkId` by the last input, through the codec. */
  sentOn(linkId: string): ClusterMessage {
    const sends = this.effects.filter((e) => e.kind === 'send' && e.linkId === linkId);
    assert.equal(sends.length, 1, `one message on ${linkId}`);
    const effect = sends[0]!;
    assert.ok(effect.kind === 'send');
    const decoded = decodeMessage(encodeMessage(effect.message));
    assert.ok(decoded.ok);
    return decoded.message;
  }
  flagsOf(id: string): string {
    const node = this.state.config.nodes.get(id);
    return node === undefined ? '(unknown)' : formatNodeFlags(node.flags);
  }
}

test('MEET handshake between two nodes, message by message', () => {
  const a = new Peer('10.0.0.1', 1);
  const b = new Peer('10.0.0.2', 2);
  let now = START_MS;

  a.input({ kind: 'command', command: { kind: 'meet', ip: b.ip, port: 7000 } }, now);
  const handshakeId = [...a.state.config.nodes.keys()].find((id) => id !== a.id)!;
  assert.equal(a.flagsOf(handshakeId), 'handshake');

  now += 100;
  const connect = a.input({ kind: 'tick' }, now).find((e) => e.kind === 'connect');
  assert.ok(connect !== undefined && connect.kind === 'connect');
  assert.deepEqual([connect.ip, connect.busPort, connect.nodeId], [b.ip, 17000, handshakeId]);

  // The connection is up: B accepts, A sends MEET first.
  now += 1;
  b.input({ kind: 'linkAccepted', linkId: 'in:1', peerIp: a.ip, localIp: b.ip }, now);
  a.input({ kind: 'linkConnected', linkId: connect.linkId, localIp: a.ip }, now);
  const meet = a.sentOn(connect.linkId);
  assert.equal(meet.header.type, MessageType.meet);
  assert.equal(meet.header.senderId, a.id);
  assert.equal(meet.header.announcedIp, '', 'no announced ip: the receiver uses the socket address');
  assert.equal(meet.header.cport, 17000);

  // B: an unknown MEET sender is added in handshake at the socket address; B learns its own ip.
  b.input({ kind: 'message', linkId: 'in:1', message: meet }, now);
  const pong = b.sentOn('in:1');
  assert.equal(pong.header.type, MessageType.pong);
  assert.equal(b.state.config.nodes.get(b.id)!.ip, b.ip);
  const bHandshakeId = [...b.state.config.nodes.keys()].find((id) => id !== b.id)!;
  assert.equal(b.flagsOf(bHandshakeId), 'handshake');
  assert.equal(b.state.config.nodes.get(bHandshakeId)!.ip, a.ip);

  // A: the PONG names B: the handshake node is renamed and becomes a master.
  a.input({ kind: 'message', linkId: connect.linkId, message: pong }, now);
  assert.equal(a.flagsOf(b.id), 'master');
  assert.equal(a.state.config.nodes.has(handshakeId), false);
  assert.equal(a.state.runtime.nodes.get(b.id)!.pongReceivedAtMs, now);

  // B connects back and PINGs; A answers; B renames its node for A.
  now += 100;
  const back = b.input({ kind: 'tick' }, now).find((e) => e.kind === 'connect');
  assert.ok(back !== undefined && back.kind === 'connect');
  assert.deepEqual([back.ip, back.busPort], [a.ip, 17000]);
  a.input({ kind: 'linkAccepted', linkId: 'in:7', peerIp: b.ip, localIp: a.ip }, now);
  b.input({ kind: 'linkConnected', linkId: back.linkId, localIp: b.ip }, now);
  const ping = b.sentOn(back.linkId);
  assert.equal(ping.header.type, MessageType.ping);
  a.input({ kind: 'message', linkId: 'in:7', message: ping }, now);
  assert.equal(a.state.runtime.links.get('in:7')?.nodeId, b.id, 'the inbound link now belongs to B');
  b.input({ kind: 'message', linkId: back.linkId, message: a.sentOn('in:7') }, now);
  assert.equal(b.flagsOf(a.id), 'master');

  for (const [self, other] of [
    [a, b],
    [b, a],
  ] as const) {
    assert.equal(self.state.config.nodes.size, 2);
    assert.equal(self.flagsOf(self.id), 'myself,master');
    assert.equal(self.state.config.nodes.get(other.id)!.ip, other.ip);
  }
});

test('a handshake that gets no PONG is dropped after the node timeout', () => {
  const a = new Peer('10.0.0.1', 1);
  a.input({ kind: 'command', command: { kind: 'meet', ip: '10.0.0.9', port: 7000 } }, START_MS);
  a.input({ kind: 'tick' }, START_MS + 100);
  assert.equal(a.state.config.nodes.size, 2);
  a.input({ kind: 'tick' }, START_MS + 15_000);
  assert.equal(a.state.config.nodes.size, 2, 'not yet: the node timeout is 15 s');
  const effects = a.input({ kind: 'tick' }, START_MS + 15_001);
  assert.equal(a.state.config.nodes.size, 1);
  assert.ok(effects.some((e) => e.kind === 'closeLink'));
});

function headerOf(peer: Peer, type: number) {
  return buildHeader(new StepContext(peer.state, { nowMs: START_MS, random: peer.random }), type);
}

test("gossip from a known node adds the nodes it knows; a stranger's gossip adds none", () => {
  const a = new Peer('10.0.0.1', 1);
  const b = new Peer('10.0.0.2', 2);
  const c = new Peer('10.0.0.3', 3);
  const gossipAboutC = { nodeId: c.id, pingSentAtSec: 0, pongReceivedAtSec: 0, ip: c.ip, port: 7000, cport: 17000, nodeFlags: 1, pport: 0 };
  const ping: ClusterMessage = { header: headerOf(b, MessageType.ping), body: { kind: 'ping', gossip: [gossipAboutC], extensions: [] } };

  // B is a stranger to A: A answers its PING but learns nothing from it.
  a.input({ kind: 'linkAccepted', linkId: 'in:1', peerIp: b.ip, localIp: a.ip }, START_MS);
  a.input({ kind: 'message', linkId: 'in:1', message: ping }, START_MS);
  assert.equal(a.sentOn('in:1').header.type, MessageType.pong);
  assert.equal(a.state.config.nodes.size, 1);

  // Once A knows B, the same gossip adds C (flags as gossiped, no handshake needed).
  a.input({ kind: 'command', command: { kind: 'meet', ip: b.ip, port: 7000 } }, START_MS);
  const link = a.input({ kind: 'tick' }, START_MS + 100).find((e) => e.kind === 'connect');
  assert.ok(link !== undefined && link.kind === 'connect');
  a.input({ kind: 'linkConnected', linkId: link.linkId, localIp: a.ip }, START_MS + 101);
  a.input({ kind: 'message', linkId: link.linkId, message: { header: headerOf(b, MessageType.pong), body: { kind: 'ping', gossip: [], extensions: [] } } }, START_MS + 102);
  assert.equal(a.flagsOf(b.id), 'master');
  a.input({ kind: 'message', linkId: 'in:1', message: ping }, START_MS + 103);
  assert.equal(a.flagsOf(c.id), 'master');
  assert.equal(a.state.config.nodes.get(c.id)!.ip, c.ip);

  // A forgotten node is not re-learned from gossip for 60 s.
  a.input({ kind: 'command', command: { kind: 'forget', nodeId: c.id } }, START_MS + 200);
  a.input({ kind: 'message', linkId: 'in:1', message: ping }, START_MS + 30_000);
  assert.equal(a.state.config.nodes.has(c.id), false);
  a.input({ kind: 'message', linkId: 'in:1', message: ping }, START_MS + 62_000);
  assert.equal(a.state.config.nodes.has(c.id), true);
});
