/**
 * Which nodes a PING/PONG gossips about (clusterSendPing): max(3, nodes/10) random healthy
 * entries, never myself, handshake, NOADDR or disconnected slot-less nodes, no repeats; then
 * every PFAIL node on top.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../lib/random.js';
import { NodeFlag } from '../node-flags.js';
import { StepContext } from './context.js';
import { stateFromNodesConf } from './snapshot.js';
import { chooseGossip } from './messages.js';
import type { ClusterState } from './types.js';

const T0 = 1_700_000_000_000;
const id = (n: number): string => n.toString(16).padStart(40, '0');

/** Node 0 is myself; nodes 1..count-1 are masters with one slot each (so they qualify unlinked). */
function cluster(count: number, extraLines: string[] = []): ClusterState {
  const lines = [`${id(0)} 10.0.0.1:7000@17000 myself,master - 0 0 0 connected`];
  for (let n = 1; n < count; n++) lines.push(`${id(n)} 10.0.1.${n}:7000@17000 master - 0 0 0 connected ${n}`);
  return stateFromNodesConf([...lines, ...extraLines, 'vars currentEpoch 0 lastVoteEpoch 0'].join('\n'), T0);
}

test('wanted = max(3, nodes / 10), capped at nodes - 2; never myself; no node twice', () => {
  for (const [count, wanted] of [
    [2, 0],
    [3, 1],
    [4, 2],
    [10, 3],
    [45, 4],
    [100, 10],
  ] as const) {
    for (let seed = 1; seed <= 20; seed++) {
      const ctx = new StepContext(cluster(count), { nowMs: T0, random: new SeededRandom(seed) });
      const entries = chooseGossip(ctx);
      assert.ok(entries.length <= wanted, `${count} nodes: at most ${wanted}, got ${entries.length}`);
      if (count >= 10) assert.ok(entries.length >= wanted - 1, `${count} nodes: about ${wanted}`);
      assert.equal(new Set(entries.map((e) => e.nodeId)).size, entries.length);
      assert.ok(!entries.some((e) => e.nodeId === id(0)));
    }
  }
});

test('handshake, NOADDR and disconnected slot-less nodes stay out; PFAIL nodes are appended', () => {
  const extra = [
    `${id(900)} 10.0.9.1:7000@17000 handshake - 0 0 0 disconnected`,
    `${id(901)} :0@0 master,noaddr - 0 0 0 disconnected`,
    `${id(902)} 10.0.9.3:7000@17000 master - 0 0 0 disconnected`,
    `${id(903)} 10.0.9.4:7000@17000 master,fail? - 0 0 0 connected 1000`,
    `${id(904)} 10.0.9.5:7000@17000 master,fail? - 0 0 0 connected 1001`,
  ];
  for (let seed = 1; seed <= 30; seed++) {
    const state = cluster(6, extra);
    state.runtime.pfailNodes = 2;
    const ctx = new StepContext(state, { nowMs: T0, random: new SeededRandom(seed) });
    const entries = chooseGossip(ctx);
    const ids = entries.map((e) => e.nodeId);
    for (const excluded of [id(900), id(901), id(902)]) assert.ok(!ids.includes(excluded), `seed ${seed}: ${excluded} excluded`);
    assert.deepEqual(ids.slice(-2), [id(903), id(904)], 'PFAIL nodes last');
    assert.equal(entries.at(-1)!.nodeFlags & NodeFlag.pfail, NodeFlag.pfail);
  }
});
