/**
 * CLUSTER NODES, MYID, SLOTS, SHARDS, REPLICAS/SLAVES, LINKS: read-only views of the state in
 * Redis 7.0's formats (clusterGenNodesDescription, clusterReplyMultiBulkSlots,
 * clusterReplyShards, addReplyClusterLinksDescription in src/cluster.c).
 */
import { NodeFlag } from '../../cluster/node-flags.js';
import { formatNodeLine } from '../../cluster/nodes-conf.js';
import { slotBitmapOf } from '../../cluster/config.js';
import { slotRanges } from '../../cluster/slot-bitmap.js';
import { nodeLines } from '../../cluster/state/views.js';
import type { ClusterNode, ClusterState } from '../../cluster/state/types.js';
import { SLOT_COUNT } from '../../lib/hash-slot.js';
import { ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { clusterOf, isFailedNode, isReplicaNode, lookupNode, replicasOf } from './cluster-access.js';
import type { ClusterFacade } from './cluster-facade.js';

function nodes(ctx: CommandContext): void {
  const state = clusterOf(ctx).state;
  const text = nodeLines(state)
    .map((line) => `${formatNodeLine(line)}\n`)
    .join('');
  ctx.reply.verbatim(text);
}

function myid(ctx: CommandContext): void {
  ctx.reply.bulk(clusterOf(ctx).state.config.myselfId);
}

/** addNodeToNodeReply: endpoint, port, id, then the other known network fields as a map. */
function writeNodeEndpoint(ctx: CommandContext, cluster: ClusterFacade, node: ClusterNode): void {
  const type = cluster.preferredEndpointType;
  ctx.reply.array(4);
  if (type === 'ip') ctx.reply.bulk(node.ip);
  else if (type === 'hostname') ctx.reply.bulk(node.hostname !== '' ? node.hostname : '?');
  else ctx.reply.null();
  ctx.reply.integer(node.port);
  ctx.reply.bulk(node.id);
  const withIp = type !== 'ip';
  const withHostname = type !== 'hostname' && node.hostname !== '';
  ctx.reply.map((withIp ? 1 : 0) + (withHostname ? 1 : 0));
  if (withIp) {
    ctx.reply.bulk('ip');
    ctx.reply.bulk(node.ip);
  }
  if (withHostname) {
    ctx.reply.bulk('hostname');
    ctx.reply.bulk(node.hostname);
  }
}

/** isReplicaAvailable: not failed and with some replication offset. */
function replicaAvailable(state: ClusterState, cluster: ClusterFacade, node: ClusterNode): boolean {
  if (isFailedNode(node)) return false;
  const offset = node.id === state.config.myselfId ? cluster.replicationOffset : (state.runtime.nodes.get(node.id)?.replOffset ?? 0);
  return offset !== 0;
}

function slots(ctx: CommandContext): void {
  const cluster = clusterOf(ctx);
  const state = cluster.state;
  const ranges: Array<{ start: number; end: number; owner: ClusterNode }> = [];
  let start = 0;
  let owner: string | null = null;
  for (let slot = 0; slot <= SLOT_COUNT; slot++) {
    const current = slot < SLOT_COUNT ? (state.config.slotOwners[slot] ?? null) : null;
    if (current === owner) continue;
    const node = owner === null ? undefined : state.config.nodes.get(owner);
    if (node !== undefined) ranges.push({ start, end: slot - 1, owner: node });
    owner = current;
    start = slot;
  }
  ctx.reply.array(ranges.length);
  for (const range of ranges) {
    const replicas = replicasOf(state, range.owner.id).filter((replica) => replicaAvailable(state, cluster, replica));
    ctx.reply.array(3 + replicas.length);
    ctx.reply.integer(range.start);
    ctx.reply.integer(range.end);
    writeNodeEndpoint(ctx, cluster, range.owner);
    for (const replica of replicas) writeNodeEndpoint(ctx, cluster, replica);
  }
}

function preferredEndpointText(cluster: ClusterFacade, node: ClusterNode): string {
  const type = cluster.preferredEndpointType;
  if (type === 'ip') return node.ip;
  if (type === 'hostname') return node.hostname !== '' ? node.hostname : '?';
  return '';
}

/** addNodeDetailsToShardReply. */
function writeShardNode(ctx: CommandContext, cluster: ClusterFacade, state: ClusterState, node: ClusterNode): void {
  const isMyself = node.id === state.config.myselfId;
  const offset = isMyself ? cluster.replicationOffset : (state.runtime.nodes.get(node.id)?.replOffset ?? 0);
  const withPort = node.port !== 0;
  const withHostname = node.hostname !== '';
  ctx.reply.map(6 + (withPort ? 1 : 0) + (withHostname ? 1 : 0));
  ctx.reply.bulk('id');
  ctx.reply.bulk(node.id);
  if (withPort) {
    ctx.reply.bulk('port');
    ctx.reply.integer(node.port);
  }
  ctx.reply.bulk('ip');
  ctx.reply.bulk(node.ip);
  ctx.reply.bulk('endpoint');
  ctx.reply.bulk(preferredEndpointText(cluster, node));
  if (withHostname) {
    ctx.reply.bulk('hostname');
    ctx.reply.bulk(node.hostname);
  }
  ctx.reply.bulk('role');
  ctx.reply.bulk(isReplicaNode(node) ? 'replica' : 'master');
  ctx.reply.bulk('replication-offset');
  ctx.reply.integer(offset);
  ctx.reply.bulk('health');
  ctx.reply.bulk(isFailedNode(node) ? 'fail' : isReplicaNode(node) && offset === 0 ? 'loading' : 'online');
}

function shards(ctx: CommandContext): void {
  const cluster = clusterOf(ctx);
  const state = cluster.state;
  const masters = [...state.config.nodes.values()].filter((node) => (node.flags & NodeFlag.master) !== 0);
  ctx.reply.array(masters.length);
  for (const master of masters) {
    ctx.reply.map(2);
    ctx.reply.bulk('slots');
    const own = slotRanges(slotBitmapOf(state.config, master.id));
    ctx.reply.array(own.length * 2);
    for (const { start, end } of own) {
      ctx.reply.integer(start);
      ctx.reply.integer(end);
    }
    ctx.reply.bulk('nodes');
    // clusterGetNodesServingMySlots: the master, then its replicas.
    const members = [master, ...replicasOf(state, master.id)];
    ctx.reply.array(members.length);
    for (const member of members) writeShardNode(ctx, cluster, state, member);
  }
}

function replicas(ctx: CommandContext, argv: string[]): void {
  const state = clusterOf(ctx).state;
  const id = argv[2] as string;
  const node = lookupNode(state, id);
  if (node === undefined) throw new ReplyError(`ERR Unknown node ${id}`);
  if (isReplicaNode(node)) throw new ReplyError('ERR The specified node is not a master');
  const byId = new Map(nodeLines(state).map((line) => [line.nodeId, line]));
  const lines = replicasOf(state, node.id).map((replica) => formatNodeLine(byId.get(replica.id)!));
  ctx.reply.bulkArray(lines);
}

/** Links of nodes in the node table's order: each node's outbound link, then its inbound one. */
function links(ctx: CommandContext): void {
  const cluster = clusterOf(ctx);
  const state = cluster.state;
  const rows: Array<{ direction: 'to' | 'from'; nodeId: string; linkId: string }> = [];
  for (const node of state.config.nodes.values()) {
    const record = state.runtime.nodes.get(node.id);
    if (record?.outboundLinkId != null) rows.push({ direction: 'to', nodeId: node.id, linkId: record.outboundLinkId });
    if (record?.inboundLinkId != null) rows.push({ direction: 'from', nodeId: node.id, linkId: record.inboundLinkId });
  }
  ctx.reply.array(rows.length);
  for (const row of rows) {
    const link = state.runtime.links.get(row.linkId);
    const buffers = cluster.linkBuffers(row.linkId);
    ctx.reply.map(6);
    ctx.reply.bulk('direction');
    ctx.reply.bulk(row.direction);
    ctx.reply.bulk('node');
    ctx.reply.bulk(row.nodeId);
    ctx.reply.bulk('create-time');
    ctx.reply.integer(link?.createdAtMs ?? 0);
    // Redis always has a read handler on a live link; 'w' only while bytes wait to be written.
    ctx.reply.bulk('events');
    ctx.reply.bulk(buffers === undefined ? '' : buffers.sendBufferBytes > 0 ? 'rw' : 'r');
    ctx.reply.bulk('send-buffer-allocated');
    ctx.reply.integer(buffers?.sendBufferPeakBytes ?? 0);
    ctx.reply.bulk('send-buffer-used');
    ctx.reply.integer(buffers?.sendBufferBytes ?? 0);
  }
}

export const topologySubcommands: readonly CommandDefinition[] = [
  { name: 'nodes', handler: nodes },
  { name: 'myid', handler: myid },
  { name: 'slots', handler: slots },
  { name: 'shards', handler: shards },
  { name: 'replicas', handler: replicas },
  { name: 'slaves', handler: replicas },
  { name: 'links', handler: links },
];
