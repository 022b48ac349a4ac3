/**
 * ClusterState ⇄ nodes.conf (Redis 7.0 clusterLoadConfig / clusterSaveConfig), and the state of
 * a brand-new node. Pure: the file I/O is src/server/cluster/nodes-conf-file.ts.
 *
 * What a restarted node keeps: its id, every node's address, flags, master and configEpoch, the
 * slot owners, its own open (migrating/importing) slots, currentEpoch and lastVoteEpoch. What it
 * does not: links and timings (a non-zero ping/pong time in the file becomes "now", as in Redis,
 * so the node is not judged failed on the spot).
 */
import { SLOT_COUNT } from '../lib/hash-slot.js';
import type { Random } from '../lib/random.js';
import { MESSAGE_TYPE_COUNT } from './bus/constants.js';
import { NodeFlag } from './node-flags.js';
import type { NodeLine, NodesConf } from './nodes-conf.js';
import type { SlotRange } from './slot-bitmap.js';
import type { ClusterConfig, ClusterNode, ClusterRuntime, ClusterSettings, ClusterState, NodeId, NodeRuntime } from './state/types.js';

const HEX = '0123456789abcdef';

/** getRandomHexChars(CLUSTER_NAMELEN): a new node id. */
export function randomNodeId(random: Random): NodeId {
  let id = '';
  for (let i = 0; i < 40; i++) id += HEX[random.int(16)];
  return id;
}

export function emptyNodeRuntime(): NodeRuntime {
  return {
    pingSentAtMs: 0,
    pongReceivedAtMs: 0,
    dataReceivedAtMs: 0,
    failTimeMs: 0,
    votedAtMs: 0,
    replOffset: 0,
    replOffsetAtMs: 0,
    orphanedAtMs: 0,
    failReports: new Map(),
    outboundLinkId: null,
    inboundLinkId: null,
    lastInPingGossip: 0,
    sentExtensions: false,
  };
}

export function emptyClusterRuntime(): ClusterRuntime {
  return {
    nodes: new Map(),
    links: new Map(),
    nextLinkNumber: 1,
    health: 'fail',
    size: 0,
    amongMinorityAtMs: 0,
    firstUpdateStateAtMs: 0,
    forgetBlacklist: new Map(),
    ownerNotClaimingSlot: new Uint8Array(SLOT_COUNT / 8),
    cronIteration: 0,
    gossipRound: 0,
    pfailNodes: 0,
    stats: { sentByType: new Array<number>(MESSAGE_TYPE_COUNT).fill(0), receivedByType: new Array<number>(MESSAGE_TYPE_COUNT).fill(0) },
    lastTickAtMs: 0,
    myReplicationOffset: 0,
  };
}

/** A node that has never been part of a cluster: myself only, a master, epoch 0, no slots. */
export function freshClusterState(settings: ClusterSettings, nowMs: number, random: Random): ClusterState {
  const me: ClusterNode = {
    id: randomNodeId(random),
    ip: '',
    port: settings.port,
    pport: settings.pport,
    busPort: settings.busPort,
    hostname: settings.announceHostname,
    flags: NodeFlag.myself | NodeFlag.master,
    masterId: null,
    configEpoch: 0,
    createdAtMs: nowMs,
  };
  const config: ClusterConfig = {
    myselfId: me.id,
    currentEpoch: 0,
    lastVoteEpoch: 0,
    nodes: new Map([[me.id, me]]),
    slotOwners: new Array<NodeId | null>(SLOT_COUNT).fill(null),
    migratingTo: new Map(),
    importingFrom: new Map(),
  };
  const runtime = emptyClusterRuntime();
  runtime.nodes.set(me.id, emptyNodeRuntime());
  return { config, runtime, settings };
}

/**
 * The state a node restarts with. Myself takes the ports it runs on now (Redis: clusterInit
 * after the load), and the announced hostname.
 */
export function stateFromNodesConf(conf: NodesConf, settings: ClusterSettings, nowMs: number): ClusterState {
  const nodes = new Map<NodeId, ClusterNode>();
  const runtime = emptyClusterRuntime();
  const slotOwners = new Array<NodeId | null>(SLOT_COUNT).fill(null);
  const migratingTo = new Map<number, NodeId>();
  const importingFrom = new Map<number, NodeId>();
  let myselfId: NodeId | null = null;
  let maxConfigEpoch = 0;
  for (const line of conf.nodes) {
    const isMyself = (line.nodeFlags & NodeFlag.myself) !== 0;
    if (isMyself) myselfId = line.nodeId;
    const node: ClusterNode = {
      id: line.nodeId,
      ip: line.ip,
      port: isMyself ? settings.port : line.port,
      pport: isMyself ? settings.pport : 0,
      busPort: isMyself ? settings.busPort : line.cport,
      hostname: isMyself ? settings.announceHostname : line.hostname,
      flags: line.nodeFlags,
      masterId: line.masterId,
      configEpoch: line.configEpoch,
      createdAtMs: nowMs,
    };
    nodes.set(node.id, node);
    maxConfigEpoch = Math.max(maxConfigEpoch, node.configEpoch);
    const record = emptyNodeRuntime();
    if (line.pingSentAtMs !== 0) record.pingSentAtMs = nowMs;
    if (line.pongReceivedAtMs !== 0) record.pongReceivedAtMs = nowMs;
    runtime.nodes.set(node.id, record);
    for (const { start, end } of line.slots) for (let slot = start; slot <= end; slot++) slotOwners[slot] = node.id;
    if (isMyself) {
      for (const open of line.openSlots) {
        if (open.direction === 'migrating') migratingTo.set(open.slot, open.nodeId);
        else importingFrom.set(open.slot, open.nodeId);
      }
    }
  }
  if (myselfId === null) throw new Error('nodes.conf names no myself node (checked by the loader)');
  // Redis: "currentEpoch smaller than the max epoch found in the nodes configuration" is fixed up.
  const currentEpoch = Math.max(conf.vars.currentEpoch, maxConfigEpoch);
  const config: ClusterConfig = { myselfId, currentEpoch, lastVoteEpoch: conf.vars.lastVoteEpoch, nodes, slotOwners, migratingTo, importingFrom };
  return { config, runtime, settings };
}

/** Every node's slots as ranges, in one pass over the owner table (clusterGenNodesSlotsInfo). */
export function slotRangesByNode(config: ClusterConfig): Map<NodeId, SlotRange[]> {
  const ranges = new Map<NodeId, SlotRange[]>();
  let owner: NodeId | null = null;
  let start = 0;
  for (let slot = 0; slot <= SLOT_COUNT; slot++) {
    const current = slot < SLOT_COUNT ? (config.slotOwners[slot] ?? null) : null;
    if (current === owner) continue;
    if (owner !== null) {
      let list = ranges.get(owner);
      if (list === undefined) ranges.set(owner, (list = []));
      list.push({ start, end: slot - 1 });
    }
    owner = current;
    start = slot;
  }
  return ranges;
}

/** The configEpoch Redis prints for a node: a replica shows its master's. */
function printedEpoch(config: ClusterConfig, node: ClusterNode): number {
  if ((node.flags & NodeFlag.slave) !== 0 && node.masterId !== null) return config.nodes.get(node.masterId)?.configEpoch ?? node.configEpoch;
  return node.configEpoch;
}

/**
 * CLUSTER NODES / nodes.conf lines (clusterGenNodesDescription), in the node table's order.
 * `skipHandshake`: nodes.conf leaves nodes in handshake out, CLUSTER NODES shows them.
 */
export function nodeLines(state: ClusterState, options: { skipHandshake: boolean }): NodeLine[] {
  const { config, runtime } = state;
  const ranges = slotRangesByNode(config);
  const lines: NodeLine[] = [];
  for (const node of config.nodes.values()) {
    if (options.skipHandshake && (node.flags & NodeFlag.handshake) !== 0) continue;
    const isMyself = node.id === config.myselfId;
    const record = runtime.nodes.get(node.id);
    const openSlots = isMyself ? openSlotsOf(config) : [];
    lines.push({
      nodeId: node.id,
      ip: node.ip,
      port: node.port,
      cport: node.busPort,
      hostname: node.hostname,
      nodeFlags: node.flags,
      masterId: node.masterId,
      pingSentAtMs: record?.pingSentAtMs ?? 0,
      pongReceivedAtMs: record?.pongReceivedAtMs ?? 0,
      configEpoch: printedEpoch(config, node),
      linkState: isMyself || (record?.outboundLinkId ?? null) !== null ? 'connected' : 'disconnected',
      slots: ranges.get(node.id) ?? [],
      openSlots,
    });
  }
  return lines;
}

function openSlotsOf(config: ClusterConfig): NodeLine['openSlots'] {
  const open: Array<NodeLine['openSlots'][number]> = [];
  for (const [slot, nodeId] of config.migratingTo) open.push({ slot, direction: 'migrating', nodeId });
  for (const [slot, nodeId] of config.importingFrom) if (!config.migratingTo.has(slot)) open.push({ slot, direction: 'importing', nodeId });
  return open.sort((a, b) => a.slot - b.slot);
}

/** What clusterSaveConfig writes. */
export function nodesConfFromState(state: ClusterState): NodesConf {
  return {
    nodes: nodeLines(state, { skipHandshake: true }),
    vars: { currentEpoch: state.config.currentEpoch, lastVoteEpoch: state.config.lastVoteEpoch },
  };
}
