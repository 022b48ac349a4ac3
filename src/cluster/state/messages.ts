/**
 * Building the messages we send (clusterBuildMessageHdr, clusterSetGossipEntry, clusterSendPing,
 * clusterSendUpdate, clusterSendFail, clusterSendPublish of Redis 7.0 src/cluster.c).
 */
import { isReplica } from '../config.js';
import { ClusterState as WireClusterState, MessageFlag, MessageType } from '../bus/constants.js';
import type { ClusterMessage, GossipEntry, MessageBody, MessageHeader, PingExtension } from '../bus/message.js';
import { NodeFlag } from '../node-flags.js';
import type { StepContext } from './context.js';
import type { ClusterNode, ClusterSettings, LinkId, NodeId } from './types.js';

/** deriveAnnouncedPorts (no TLS): the ports myself announces. */
export function announcedPorts(settings: ClusterSettings): { port: number; pport: number; busPort: number } {
  return {
    port: settings.announcePort !== 0 ? settings.announcePort : settings.port,
    pport: settings.announcePport !== 0 ? settings.announcePport : settings.pport,
    busPort: settings.announceBusPort !== 0 ? settings.announceBusPort : settings.busPort,
  };
}

/** clusterBuildMessageHdr: a replica sends its master's slots and configEpoch. */
export function buildHeader(ctx: StepContext, type: number): MessageHeader {
  const me = ctx.draft.myself;
  const master = isReplica(me) && me.masterId !== null ? (ctx.draft.node(me.masterId) ?? me) : me;
  const ports = announcedPorts(ctx.settings);
  return {
    type,
    port: ports.port,
    pport: ports.pport,
    cport: ports.busPort,
    currentEpoch: ctx.draft.currentEpoch,
    configEpoch: master.configEpoch,
    replicationOffset: ctx.runtime.myReplicationOffset,
    senderId: me.id,
    slotBitmap: ctx.draft.slotBitmap(master.id),
    masterId: me.masterId,
    announcedIp: ctx.settings.announceIp,
    nodeFlags: me.flags & 0xffff,
    clusterState: ctx.runtime.health === 'ok' ? WireClusterState.ok : WireClusterState.fail,
    // CLUSTERMSG_FLAG0_PAUSED belongs to manual failover (a later issue).
    messageFlags: 0,
  };
}

/** clusterSetGossipEntry: times go out in seconds. */
export function gossipEntryOf(ctx: StepContext, node: ClusterNode): GossipEntry {
  const record = ctx.nodeRuntime(node.id);
  return {
    nodeId: node.id,
    pingSentAtSec: Math.floor(record.pingSentAtMs / 1000) >>> 0,
    pongReceivedAtSec: Math.floor(record.pongReceivedAtMs / 1000) >>> 0,
    ip: node.ip,
    port: node.port,
    cport: node.busPort,
    nodeFlags: node.flags & 0xffff,
    pport: node.pport,
  };
}

/**
 * The gossip section of a PING/PONG/MEET: wanted = max(3, floor(nodes / 10)) capped at
 * freshnodes (nodes - 2), picked at random among nodes that are not myself, PFAIL, in handshake,
 * NOADDR, or disconnected without slots, each at most once, at most wanted × 3 tries; then every
 * PFAIL node (not in handshake, not NOADDR), up to the count of PFAIL nodes the last cron saw.
 */
export function chooseGossip(ctx: StepContext): GossipEntry[] {
  ctx.runtime.gossipRound++;
  const round = ctx.runtime.gossipRound;
  const nodes = [...ctx.draft.nodes.values()];
  let freshNodes = nodes.length - 2;
  let wanted = Math.max(3, Math.floor(nodes.length / 10));
  if (wanted > freshNodes) wanted = freshNodes;
  const entries: GossipEntry[] = [];
  let iterations = wanted * 3;
  while (freshNodes > 0 && entries.length < wanted && iterations-- > 0) {
    const node = nodes[ctx.env.random.int(nodes.length)]!;
    if (node.id === ctx.draft.myselfId) continue;
    if ((node.flags & NodeFlag.pfail) !== 0) continue;
    const record = ctx.nodeRuntime(node.id);
    if ((node.flags & (NodeFlag.handshake | NodeFlag.noaddr)) !== 0 || (record.outboundLinkId === null && ctx.draft.slotCount(node.id) === 0)) {
      freshNodes--; // Not exact, as in Redis: it saves work.
      continue;
    }
    if (record.lastInPingGossip === round) continue;
    entries.push(gossipEntryOf(ctx, node));
    record.lastInPingGossip = round;
    freshNodes--;
  }
  let pfailWanted = ctx.runtime.pfailNodes;
  for (const node of nodes) {
    if (pfailWanted <= 0) break;
    if ((node.flags & (NodeFlag.handshake | NodeFlag.noaddr)) !== 0) continue;
    if ((node.flags & NodeFlag.pfail) === 0) continue;
    entries.push(gossipEntryOf(ctx, node));
    pfailWanted--;
  }
  return entries;
}

/** Ping extensions: 7.0 sends HOSTNAME whenever myself has a hostname. */
export function myExtensions(ctx: StepContext): PingExtension[] {
  const hostname = ctx.draft.myself.hostname;
  return hostname === '' ? [] : [{ kind: 'hostname', hostname }];
}

export function buildPing(ctx: StepContext, type: number): ClusterMessage {
  const extensions = myExtensions(ctx);
  const base = buildHeader(ctx, type);
  const header = extensions.length > 0 ? { ...base, messageFlags: base.messageFlags | MessageFlag.extData } : base;
  const body: MessageBody = { kind: 'ping', gossip: chooseGossip(ctx), extensions };
  return { header, body };
}

/**
 * clusterSendPing on a link. Sending a PING on an outbound link starts its ping timer (even when
 * the link is still connecting: Redis queues the bytes; we send only on connected links).
 */
export function sendPing(ctx: StepContext, linkId: LinkId, type: number): void {
  const link = ctx.runtime.links.get(linkId);
  if (link === undefined) return;
  if (link.direction === 'to' && type === MessageType.ping && link.nodeId !== null) {
    ctx.nodeRuntime(link.nodeId).pingSentAtMs = ctx.nowMs;
  }
  if (!link.connected) return;
  ctx.send(linkId, buildPing(ctx, type));
}

/** clusterBroadcastPong(CLUSTER_BROADCAST_ALL). */
export function broadcastPong(ctx: StepContext): void {
  for (const node of [...ctx.draft.nodes.values()]) {
    const linkId = ctx.runtime.nodes.get(node.id)?.outboundLinkId ?? null;
    if (linkId === null) continue;
    if (node.id === ctx.draft.myselfId || (node.flags & NodeFlag.handshake) !== 0) continue;
    sendPing(ctx, linkId, MessageType.pong);
  }
}

/** clusterSendUpdate: the node's slots minus those their owner stopped claiming. */
export function buildUpdate(ctx: StepContext, about: ClusterNode): ClusterMessage {
  const slots = Uint8Array.from(ctx.draft.slotBitmap(about.id));
  const notClaiming = ctx.runtime.ownerNotClaimingSlot;
  for (let i = 0; i < slots.length; i++) slots[i] = slots[i]! & ~notClaiming[i]!;
  return {
    header: buildHeader(ctx, MessageType.update),
    body: { kind: 'update', configEpoch: about.configEpoch, nodeId: about.id, slotBitmap: slots },
  };
}

/** clusterBroadcastMessage: every node's outbound link, except myself and handshake nodes. */
export function broadcastLinks(ctx: StepContext): (LinkId | null)[] {
  const links: (LinkId | null)[] = [];
  for (const node of ctx.draft.nodes.values()) {
    if ((node.flags & (NodeFlag.myself | NodeFlag.handshake)) !== 0) continue;
    links.push(ctx.runtime.nodes.get(node.id)?.outboundLinkId ?? null);
  }
  return links;
}

/** clusterSendFail: broadcast. */
export function broadcastFail(ctx: StepContext, failingId: NodeId): void {
  ctx.broadcast(broadcastLinks(ctx), { header: buildHeader(ctx, MessageType.fail), body: { kind: 'fail', failingNodeId: failingId } });
}
