/**
 * Building a state: a fresh node (clusterInit without a nodes.conf) or one loaded from nodes.conf
 * (clusterLoadConfig), and the default settings.
 */
import type { Random } from '../../lib/random.js';
import { SLOT_COUNT } from '../../lib/hash-slot.js';
import { emptyConfig, ConfigDraft } from '../config.js';
import { MESSAGE_TYPE_COUNT } from '../bus/constants.js';
import { CLUSTER_PORT_INCR, type NodesConf } from '../nodes-conf.js';
import { NodeFlag } from '../node-flags.js';
import { SLOT_BITMAP_BYTES } from '../slot-bitmap.js';
import { newNodeRuntime } from './context.js';
import { randomHexId } from './random-id.js';
import { announcedPorts } from './messages.js';
import type { ClusterConfig, ClusterNode, ClusterRuntime, ClusterSettings, ClusterState, NodeId } from './types.js';

export function defaultSettings(port: number): ClusterSettings {
  return {
    port,
    pport: 0,
    busPort: port + CLUSTER_PORT_INCR,
    nodeTimeoutMs: 15000,
    requireFullCoverage: true,
    allowReadsWhenDown: false,
    allowReplicaMigration: true,
    announceIp: '',
    announcePort: 0,
    announcePport: 0,
    announceBusPort: 0,
    announceHostname: '',
  };
}

export function newRuntime(): ClusterRuntime {
  return {
    nodes: new Map(),
    links: new Map(),
    nextLinkNumber: 0,
    health: 'fail',
    size: 1,
    amongMinorityAtMs: 0,
    firstUpdateStateAtMs: 0,
    forgetBlacklist: new Map(),
    ownerNotClaimingSlot: new Uint8Array(SLOT_BITMAP_BYTES),
    cronIteration: 0,
    gossipRound: 0,
    pfailNodes: 0,
    stats: { sentByType: new Array<number>(MESSAGE_TYPE_COUNT).fill(0), receivedByType: new Array<number>(MESSAGE_TYPE_COUNT).fill(0) },
    lastTickAtMs: 0,
    myReplicationOffset: 0,
  };
}


/** Myself's address fields follow the settings (deriveAnnouncedPorts, announce ip/hostname). */
function withMyselfFromSettings(config: ClusterConfig, settings: ClusterSettings): ClusterConfig {
  const draft = new ConfigDraft(config);
  const ports = announcedPorts(settings);
  const me = draft.myself;
  const nofailover = settings.replicaNoFailover === true ? NodeFlag.nofailover : 0;
  draft.updateNode(me.id, {
    flags: (me.flags & ~NodeFlag.nofailover) | nofailover,
    port: ports.port,
    pport: ports.pport,
    busPort: ports.busPort,
    hostname: settings.announceHostname,
    ...(settings.announceIp !== '' ? { ip: settings.announceIp } : {}),
  });
  return draft.finish();
}

/** A node with no nodes.conf: a random id, master, no slots, epochs 0. */
export function newClusterState(settings: ClusterSettings, env: { nowMs: number; random: Random }): ClusterState {
  const me: ClusterNode = {
    id: randomHexId(env.random),
    ip: '',
    port: 0,
    pport: 0,
    busPort: 0,
    hostname: '',
    flags: NodeFlag.myself | NodeFlag.master,
    masterId: null,
    configEpoch: 0,
    createdAtMs: env.nowMs,
  };
  const runtime = newRuntime();
  runtime.nodes.set(me.id, newNodeRuntime());
  return { config: withMyselfFromSettings(emptyConfig(me), settings), runtime, settings };
}

export type LoadResult = { readonly ok: true; readonly state: ClusterState } | { readonly ok: false; readonly error: string };

/**
 * clusterLoadConfig from a parsed nodes.conf. Nonzero ping/pong times become "now" (the file's
 * are from another life); a replica's epoch is 0 (it shows its master's); an unknown master or
 * open-slot peer is created bare, as Redis does; currentEpoch is at least the greatest epoch.
 */
export function loadClusterState(conf: NodesConf, settings: ClusterSettings, nowMs: number): LoadResult {
  const nodes = new Map<NodeId, ClusterNode>();
  const runtime = newRuntime();
  const slotOwners = new Array<NodeId | null>(SLOT_COUNT).fill(null);
  const migratingTo = new Map<number, NodeId>();
  const importingFrom = new Map<number, NodeId>();
  let myselfId: NodeId | null = null;

  const ensure = (id: NodeId): ClusterNode => {
    let node = nodes.get(id);
    if (node === undefined) {
      node = { id, ip: '', port: 0, pport: 0, busPort: 0, hostname: '', flags: 0, masterId: null, configEpoch: 0, createdAtMs: nowMs };
      nodes.set(id, node);
      runtime.nodes.set(id, newNodeRuntime());
    }
    return node;
  };

  for (const line of conf.nodes) {
    const existing = ensure(line.nodeId);
    if ((line.nodeFlags & NodeFlag.myself) !== 0) {
      if (myselfId !== null) return { ok: false, error: 'more than one node flagged myself' };
      myselfId = line.nodeId;
    }
    if (line.masterId !== null) ensure(line.masterId);
    const flags = existing.flags | line.nodeFlags;
    const node: ClusterNode = {
      ...existing,
      ip: line.ip,
      port: line.port,
      busPort: line.cport,
      hostname: line.hostname,
      flags,
      masterId: line.masterId,
      configEpoch: line.masterId !== null && (flags & NodeFlag.slave) !== 0 ? 0 : line.configEpoch,
    };
    nodes.set(node.id, node);
    const record = runtime.nodes.get(node.id)!;
    if (line.pingSentAtMs !== 0) record.pingSentAtMs = nowMs;
    if (line.pongReceivedAtMs !== 0) record.pongReceivedAtMs = nowMs;
    if ((flags & NodeFlag.fail) !== 0) record.failTimeMs = nowMs;
    for (const { start, end } of line.slots) {
      for (let slot = start; slot <= end; slot++) if (slotOwners[slot] === null) slotOwners[slot] = node.id;
    }
    for (const open of line.openSlots) {
      ensure(open.nodeId);
      if (open.direction === 'migrating') migratingTo.set(open.slot, open.nodeId);
      else importingFrom.set(open.slot, open.nodeId);
    }
  }
  if (myselfId === null) return { ok: false, error: 'no node is flagged myself' };

  let maxEpoch = 0;
  for (const node of nodes.values()) maxEpoch = Math.max(maxEpoch, node.configEpoch);
  const config: ClusterConfig = {
    myselfId,
    currentEpoch: Math.max(conf.vars.currentEpoch, maxEpoch),
    lastVoteEpoch: conf.vars.lastVoteEpoch,
    nodes,
    slotOwners,
    migratingTo,
    importingFrom,
  };
  return { ok: true, state: { config: withMyselfFromSettings(config, settings), runtime, settings } };
}
