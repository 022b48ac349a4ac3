/**
 * Read-only views of a state for the I/O side: CLUSTER NODES / nodes.conf lines
 * (clusterGenNodesDescription) and the CLUSTER INFO fields.
 */
import { SLOT_COUNT } from '../../lib/hash-slot.js';
import { printedConfigEpoch } from '../config.js';
import { MESSAGE_TYPE_STAT_NAMES } from '../bus/constants.js';
import { NodeFlag } from '../node-flags.js';
import type { NodeLine, OpenSlot } from '../nodes-conf.js';
import type { SlotRange } from '../slot-bitmap.js';
import type { ClusterState } from './types.js';

export interface NodeLinesOptions {
  /** nodes.conf leaves out nodes in handshake (clusterSaveConfig's filter); CLUSTER NODES does not. */
  readonly excludeHandshake?: boolean;
  /** Print each node's plaintext port when it has one (TLS clusters; unused today). */
  readonly usePport?: boolean;
}

/** One NodeLine per node in node-table order; format them with formatNodeLine / formatNodesConf. */
export function nodeLines(state: ClusterState, options: NodeLinesOptions = {}): NodeLine[] {
  const { config, runtime } = state;
  // In slot order; a slot both migrating and importing prints as migrating (as Redis does).
  const openSlots: OpenSlot[] = [];
  for (const [slot, nodeId] of config.migratingTo) openSlots.push({ slot, direction: 'migrating', nodeId });
  for (const [slot, nodeId] of config.importingFrom) if (!config.migratingTo.has(slot)) openSlots.push({ slot, direction: 'importing', nodeId });
  openSlots.sort((a, b) => a.slot - b.slot);
  const ranges = slotRangesByOwner(config.slotOwners);
  const lines: NodeLine[] = [];
  for (const node of config.nodes.values()) {
    if (options.excludeHandshake === true && (node.flags & NodeFlag.handshake) !== 0) continue;
    const record = runtime.nodes.get(node.id);
    const isMyself = node.id === config.myselfId;
    lines.push({
      nodeId: node.id,
      ip: node.ip,
      port: options.usePport === true && node.pport !== 0 ? node.pport : node.port,
      cport: node.busPort,
      hostname: node.hostname,
      nodeFlags: node.flags,
      masterId: node.masterId,
      pingSentAtMs: record?.pingSentAtMs ?? 0,
      pongReceivedAtMs: record?.pongReceivedAtMs ?? 0,
      configEpoch: printedConfigEpoch(config, node),
      linkState: isMyself || (record?.outboundLinkId ?? null) !== null ? 'connected' : 'disconnected',
      slots: ranges.get(node.id) ?? [],
      openSlots: isMyself ? openSlots : [],
    });
  }
  return lines;
}

/** One pass over the owner table: each owner's maximal runs of slots, in slot order. */
function slotRangesByOwner(owners: readonly (string | null)[]): Map<string, SlotRange[]> {
  const out = new Map<string, SlotRange[]>();
  let start = 0;
  for (let slot = 1; slot <= SLOT_COUNT; slot++) {
    const owner = owners[start] ?? null;
    if (slot < SLOT_COUNT && (owners[slot] ?? null) === owner) continue;
    if (owner !== null) {
      let list = out.get(owner);
      if (list === undefined) out.set(owner, (list = []));
      list.push({ start, end: slot - 1 });
    }
    start = slot;
  }
  return out;
}

/** CLUSTER INFO's lines (without the trailing CRLFs), in Redis 7.0's order. */
export function clusterInfoLines(state: ClusterState): string[] {
  const { config, runtime } = state;
  let assigned = 0;
  let ok = 0;
  let pfail = 0;
  let fail = 0;
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    const owner = config.slotOwners[slot];
    if (owner === null || owner === undefined) continue;
    assigned++;
    const flags = config.nodes.get(owner)?.flags ?? 0;
    if ((flags & NodeFlag.fail) !== 0) fail++;
    else if ((flags & NodeFlag.pfail) !== 0) pfail++;
    else ok++;
  }
  const me = config.nodes.get(config.myselfId)!;
  const lines = [
    `cluster_state:${runtime.health}`,
    `cluster_slots_assigned:${assigned}`,
    `cluster_slots_ok:${ok}`,
    `cluster_slots_pfail:${pfail}`,
    `cluster_slots_fail:${fail}`,
    `cluster_known_nodes:${config.nodes.size}`,
    `cluster_size:${runtime.size}`,
    `cluster_current_epoch:${config.currentEpoch}`,
    `cluster_my_epoch:${printedConfigEpoch(config, me)}`,
  ];
  let sent = 0;
  runtime.stats.sentByType.forEach((count, type) => {
    if (count === 0) return;
    sent += count;
    lines.push(`cluster_stats_messages_${MESSAGE_TYPE_STAT_NAMES[type]}_sent:${count}`);
  });
  lines.push(`cluster_stats_messages_sent:${sent}`);
  let received = 0;
  runtime.stats.receivedByType.forEach((count, type) => {
    if (count === 0) return;
    received += count;
    lines.push(`cluster_stats_messages_${MESSAGE_TYPE_STAT_NAMES[type]}_received:${count}`);
  });
  lines.push(`cluster_stats_messages_received:${received}`);
  lines.push('total_cluster_links_buffer_limit_exceeded:0');
  return lines;
}
