/**
 * What must hold after every step (safety), and what must hold once the network is reliable for
 * long enough (liveness / convergence).
 */
import { SLOT_COUNT } from '../src/lib/hash-slot.js';
import { isMaster, isReplica } from '../src/cluster/config.js';
import { NodeFlag } from '../src/cluster/node-flags.js';
import type { ClusterState } from '../src/cluster/state/types.js';
import { InvariantViolation, type ClusterSim, type SimNode } from './cluster-sim.js';

const NODE_ID = /^[0-9a-f]{40}$/;

function fail(node: SimNode, text: string): never {
  throw new InvariantViolation(`node ${node.index}: ${text}`);
}

/** Safety: checked after every step of every node. */
export function checkStep(_sim: ClusterSim, node: SimNode, before: ClusterState, after: ClusterState): void {
  const config = after.config;
  if (config.currentEpoch < before.config.currentEpoch) fail(node, `currentEpoch went back ${before.config.currentEpoch} -> ${config.currentEpoch}`);
  const meBefore = before.config.nodes.get(before.config.myselfId);
  const me = config.nodes.get(config.myselfId);
  if (me === undefined) fail(node, 'myself is missing from the node table');
  if (meBefore !== undefined && meBefore.id === me.id && me.configEpoch < meBefore.configEpoch) {
    fail(node, `my configEpoch went back ${meBefore.configEpoch} -> ${me.configEpoch}`);
  }
  for (const [linkId, link] of after.runtime.links) {
    if (link.nodeId !== null && !config.nodes.has(link.nodeId)) fail(node, `link ${linkId} points at unknown node ${link.nodeId}`);
  }
  for (const [id, record] of after.runtime.nodes) {
    if (!config.nodes.has(id)) fail(node, `runtime record for unknown node ${id}`);
    if (record.outboundLinkId !== null && after.runtime.links.get(record.outboundLinkId)?.nodeId !== id) {
      fail(node, `node ${id}'s outbound link ${record.outboundLinkId} is not its`);
    }
  }
  if (config === before.config) return;
  // The rest walks the config: only when it changed.
  let maxConfigEpoch = 0;
  for (const [id, n] of config.nodes) {
    if (id !== n.id) fail(node, `node table key ${id} holds node ${n.id}`);
    if (!NODE_ID.test(id)) fail(node, `bad node id ${JSON.stringify(id)}`);
    if (isMaster(n) && isReplica(n)) fail(node, `node ${id} is both master and replica`);
    if ((n.flags & NodeFlag.myself) !== 0 && id !== config.myselfId) fail(node, `node ${id} flagged myself`);
    if (n.masterId !== null && !config.nodes.has(n.masterId)) fail(node, `node ${id} has unknown master ${n.masterId}`);
    if (!after.runtime.nodes.has(id)) fail(node, `no runtime record for node ${id}`);
    maxConfigEpoch = Math.max(maxConfigEpoch, n.configEpoch);
  }
  if ((me.flags & NodeFlag.myself) === 0) fail(node, 'myself lacks the myself flag');
  if (maxConfigEpoch > config.currentEpoch) fail(node, `configEpoch ${maxConfigEpoch} above currentEpoch ${config.currentEpoch}`);
  if (config.slotOwners.length !== SLOT_COUNT) fail(node, 'slot owner table has the wrong size');
  if (config.slotOwners !== before.config.slotOwners) {
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const owner = config.slotOwners[slot];
      if (owner !== null && owner !== undefined && !config.nodes.has(owner)) fail(node, `slot ${slot} owned by unknown node ${owner}`);
    }
  }
  for (const [slot, id] of [...config.migratingTo, ...config.importingFrom]) {
    if (!config.nodes.has(id)) fail(node, `open slot ${slot} refers to unknown node ${id}`);
  }
}

/** Liveness: every live node knows exactly the live nodes, none in handshake. */
export function allNodesKnowEachOther(sim: ClusterSim): string | null {
  const live = sim.nodes.filter((n) => n.alive);
  const ids = new Set(live.map((n) => n.state.config.myselfId));
  for (const node of live) {
    const config = node.state.config;
    for (const id of ids) {
      const known = config.nodes.get(id);
      if (known === undefined) return `node ${node.index} does not know ${id}`;
      if ((known.flags & NodeFlag.handshake) !== 0) return `node ${node.index} still shakes hands with ${id}`;
    }
    for (const id of config.nodes.keys()) if (!ids.has(id)) return `node ${node.index} knows a stranger ${id}`;
  }
  return null;
}

/** Liveness: every live node has the same slot owner table (and, if given, the expected one). */
export function sameSlotOwners(sim: ClusterSim, expected?: readonly (string | null)[]): string | null {
  const live = sim.nodes.filter((n) => n.alive);
  const reference = expected ?? live[0]!.state.config.slotOwners;
  for (const node of live) {
    const owners = node.state.config.slotOwners;
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if ((owners[slot] ?? null) !== (reference[slot] ?? null)) {
        return `node ${node.index} sees slot ${slot} owned by ${owners[slot]}, expected ${reference[slot]}`;
      }
    }
  }
  return null;
}

/** Liveness: masters have pairwise distinct configEpochs, and every node agrees on them. */
export function uniqueConfigEpochs(sim: ClusterSim): string | null {
  const live = sim.nodes.filter((n) => n.alive);
  const own = new Map<number, string>();
  for (const node of live) {
    const config = node.state.config;
    const me = config.nodes.get(config.myselfId)!;
    if (!isMaster(me)) continue;
    const clash = own.get(me.configEpoch);
    if (clash !== undefined) return `nodes ${clash} and ${me.id} share configEpoch ${me.configEpoch}`;
    own.set(me.configEpoch, me.id);
  }
  for (const node of live) {
    for (const other of live) {
      const otherMe = other.state.config.nodes.get(other.state.config.myselfId)!;
      // A replica is seen with its master's epoch (the one its header carries).
      if (!isMaster(otherMe)) continue;
      const seen = node.state.config.nodes.get(otherMe.id);
      if (seen !== undefined && seen.configEpoch !== otherMe.configEpoch) {
        return `node ${node.index} sees ${otherMe.id} at configEpoch ${seen.configEpoch}, it is at ${otherMe.configEpoch}`;
      }
    }
  }
  return null;
}

export function allClusterStatesOk(sim: ClusterSim): string | null {
  for (const node of sim.nodes) if (node.alive && node.state.runtime.health !== 'ok') return `node ${node.index} says cluster_state:fail`;
  return null;
}

/** Liveness: every live node sees every other with the role and master it has itself. */
export function rolesAgree(sim: ClusterSim): string | null {
  const live = sim.nodes.filter((n) => n.alive);
  for (const other of live) {
    const me = other.state.config.nodes.get(other.state.config.myselfId)!;
    for (const node of live) {
      const seen = node.state.config.nodes.get(me.id);
      if (seen === undefined) return `node ${node.index} does not know ${me.id}`;
      if (isMaster(seen) !== isMaster(me) || isReplica(seen) !== isReplica(me)) return `node ${node.index} sees ${me.id} with the wrong role`;
      if (seen.masterId !== me.masterId) return `node ${node.index} sees ${me.id} replicating ${seen.masterId}, it replicates ${me.masterId}`;
    }
  }
  return null;
}
