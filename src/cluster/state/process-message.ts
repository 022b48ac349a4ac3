/**
 * One bus message in (clusterProcessPacket of Redis 7.0 src/cluster.c). The codec already checked
 * the frame's length, version and body size, so this starts at "which node sent it".
 */
import { MESSAGE_TYPE_COUNT, MessageType } from '../bus/constants.js';
import type { ClusterMessage, MessageHeader } from '../bus/message.js';
import { inHandshake, isMaster, isReplica } from '../config.js';
import { NodeFlag } from '../node-flags.js';
import { hasSlot } from '../slot-bitmap.js';
import { Todo, type StepContext } from './context.js';
import { clearNodeFailureIfNeeded } from './failure.js';
import { processGossipSection, processPingExtensions } from './gossip.js';
import { buildUpdate, sendPing } from './messages.js';
import { addNode, attachInboundLink, deleteNode, freeLink, randomNodeId, renameNode, setNodeAsMaster, shardMasterOf } from './node-ops.js';
import { handleConfigEpochCollision, isSlotUnclaimed, updateSlotsConfigWith } from './slots-update.js';
import type { LinkRecord, NodeId } from './types.js';

function bitmapsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** getNodeFromLinkAndMsg: a known sender, attaching an inbound link to it on first sight. */
function senderOf(ctx: StepContext, link: LinkRecord, header: MessageHeader): NodeId | null {
  if (link.nodeId !== null) {
    const linked = ctx.draft.node(link.nodeId);
    if (linked !== undefined && !inHandshake(linked)) return linked.id;
  }
  const known = ctx.draft.node(header.senderId);
  if (known === undefined) return null;
  if (link.nodeId === null && link.direction === 'from') attachInboundLink(ctx, known.id, link.id);
  return known.id;
}

/**
 * nodeUpdateAddressIfNeeded: a PING on an inbound link carries the sender's current address (its
 * announced ip, or the socket's peer address) and ports; a change drops our outbound link so the
 * cron reconnects to the new address. Never for the node's own outbound link.
 */
export function updateAddressIfNeeded(ctx: StepContext, nodeId: NodeId, link: LinkRecord, header: MessageHeader): boolean {
  const record = ctx.nodeRuntime(nodeId);
  if (link.id === record.outboundLinkId) return false;
  const ip = header.announcedIp !== '' ? header.announcedIp : link.peerIp;
  if (ip === '') return false;
  const node = ctx.draft.node(nodeId)!;
  if (node.port === header.port && node.busPort === header.cport && node.pport === header.pport && node.ip === ip) return false;
  ctx.draft.updateNode(nodeId, { ip, port: header.port, pport: header.pport, busPort: header.cport, flags: node.flags & ~NodeFlag.noaddr });
  if (record.outboundLinkId !== null) freeLink(ctx, record.outboundLinkId);
  ctx.log('warning', `Address updated for node ${nodeId}, now ${ip}:${header.port}`);
  const me = ctx.draft.myself;
  if (isReplica(me) && me.masterId === nodeId) ctx.effects.push({ kind: 'replicaOf', masterId: nodeId });
  return true;
}

export function processMessage(ctx: StepContext, linkId: string, message: ClusterMessage): void {
  const link = ctx.runtime.links.get(linkId);
  if (link === undefined) {
    ctx.log('debug', `Message on unknown or closed link ${linkId} dropped`);
    return;
  }
  const header = message.header;
  const type = header.type;
  const now = ctx.nowMs;
  const stats = ctx.runtime.stats.receivedByType;
  if (type < MESSAGE_TYPE_COUNT) stats[type] = (stats[type] ?? 0) + 1;

  const flags = header.nodeFlags;
  let senderConfigEpoch = 0;
  let senderCurrentEpoch = 0;
  const senderId = senderOf(ctx, link, header);
  if (senderId !== null) ctx.nodeRuntime(senderId).dataReceivedAtMs = now;

  if (senderId !== null && !inHandshake(ctx.draft.node(senderId)!)) {
    senderCurrentEpoch = header.currentEpoch;
    senderConfigEpoch = header.configEpoch;
    if (senderCurrentEpoch > ctx.draft.currentEpoch) ctx.draft.setCurrentEpoch(senderCurrentEpoch);
    if (senderConfigEpoch > ctx.draft.node(senderId)!.configEpoch) {
      ctx.draft.updateNode(senderId, { configEpoch: senderConfigEpoch });
      ctx.doBeforeSleep(Todo.saveConfig | Todo.fsyncConfig);
    }
    const record = ctx.nodeRuntime(senderId);
    record.replOffset = header.replicationOffset;
    record.replOffsetAtMs = now;
    // Manual failover (the paused master's offset) is a later issue.
  }

  const isPingLike = type === MessageType.ping || type === MessageType.pong || type === MessageType.meet;

  if (type === MessageType.ping || type === MessageType.meet) {
    // MEET comes from a node that dialled our official address: the socket tells us our ip.
    const me = ctx.draft.myself;
    if ((type === MessageType.meet || me.ip === '') && ctx.settings.announceIp === '') {
      if (link.localIp !== '' && link.localIp !== me.ip) {
        ctx.draft.updateNode(me.id, { ip: link.localIp });
        ctx.log('warning', `IP address for this node updated to ${link.localIp}`);
        ctx.doBeforeSleep(Todo.saveConfig);
      }
    }
    if (senderId === null && type === MessageType.meet) {
      const ip = header.announcedIp !== '' ? header.announcedIp : link.peerIp;
      addNode(ctx, { id: randomNodeId(ctx), flags: NodeFlag.handshake, ip, port: header.port, pport: header.pport, busPort: header.cport });
      ctx.doBeforeSleep(Todo.saveConfig);
      // A MEET is trusted for its gossip even from a stranger (no node is added from it, though:
      // gossip adds nodes only for a known sender).
      processGossipSection(ctx, message, link);
    }
    sendPing(ctx, link.id, MessageType.pong);
  }

  if (isPingLike) {
    if (link.direction === 'to') {
      const linkNode = link.nodeId === null ? undefined : ctx.draft.node(link.nodeId);
      if (linkNode === undefined) return;
      if (inHandshake(linkNode)) {
        if (senderId !== null) {
          ctx.log('verbose', `Handshake: we already know node ${senderId}, updating the address if needed.`);
          if (updateAddressIfNeeded(ctx, senderId, link, header)) ctx.doBeforeSleep(Todo.saveConfig | Todo.updateState);
          deleteNode(ctx, linkNode.id);
          return;
        }
        renameNode(ctx, linkNode.id, header.senderId);
        ctx.log('debug', `Handshake with node ${header.senderId} completed.`);
        const renamed = ctx.draft.node(header.senderId)!;
        ctx.draft.updateNode(renamed.id, { flags: (renamed.flags & ~NodeFlag.handshake) | (flags & (NodeFlag.master | NodeFlag.slave)) });
        ctx.doBeforeSleep(Todo.saveConfig);
      } else if (linkNode.id !== header.senderId) {
        ctx.log('debug', `PONG contains mismatching sender ID. About node ${linkNode.id} added ${now - linkNode.createdAtMs} ms ago, having flags ${linkNode.flags}`);
        ctx.draft.updateNode(linkNode.id, { flags: linkNode.flags | NodeFlag.noaddr, ip: '', port: 0, pport: 0, busPort: 0 });
        freeLink(ctx, link.id);
        ctx.doBeforeSleep(Todo.saveConfig);
        return;
      }
    }

    if (senderId !== null) {
      const sender = ctx.draft.node(senderId)!;
      ctx.draft.updateNode(senderId, { flags: (sender.flags & ~NodeFlag.nofailover) | (flags & NodeFlag.nofailover) });
    }

    if (senderId !== null && type === MessageType.ping && !inHandshake(ctx.draft.node(senderId)!) && updateAddressIfNeeded(ctx, senderId, link, header)) {
      ctx.doBeforeSleep(Todo.saveConfig | Todo.updateState);
    }

    if (link.direction === 'to' && type === MessageType.pong && link.nodeId !== null) {
      const record = ctx.nodeRuntime(link.nodeId);
      record.pongReceivedAtMs = now;
      record.pingSentAtMs = 0;
      const node = ctx.draft.node(link.nodeId)!;
      if ((node.flags & NodeFlag.pfail) !== 0) {
        ctx.draft.setFlags(node.id, 0, NodeFlag.pfail);
        ctx.doBeforeSleep(Todo.saveConfig | Todo.updateState);
      } else if ((node.flags & NodeFlag.fail) !== 0) {
        clearNodeFailureIfNeeded(ctx, node.id);
      }
    }

    // Role switch: master <-> replica.
    if (senderId !== null) {
      if (header.masterId === null) {
        setNodeAsMaster(ctx, senderId);
      } else {
        const master = ctx.draft.node(header.masterId);
        const sender = ctx.draft.node(senderId)!;
        if (isMaster(sender)) {
          ctx.draft.deleteNodeSlots(senderId);
          ctx.draft.updateNode(senderId, { flags: (sender.flags & ~(NodeFlag.master | NodeFlag.migrateTo)) | NodeFlag.slave });
          ctx.doBeforeSleep(Todo.saveConfig | Todo.updateState);
        }
        if (master !== undefined && ctx.draft.node(senderId)!.masterId !== master.id) {
          ctx.draft.updateNode(senderId, { masterId: master.id });
          ctx.draft.setFlags(master.id, NodeFlag.migrateTo);
          ctx.doBeforeSleep(Todo.saveConfig);
        }
      }
    }

    // Slots: only when the claimed set differs from our view of the sender's shard.
    let dirtySlots = false;
    if (senderId !== null) {
      const senderMaster = shardMasterOf(ctx, ctx.draft.node(senderId)!);
      if (senderMaster !== undefined) dirtySlots = !bitmapsEqual(ctx.draft.slotBitmap(senderMaster.id), header.slotBitmap);
    }
    if (senderId !== null && isMaster(ctx.draft.node(senderId)!) && dirtySlots) {
      updateSlotsConfigWith(ctx, senderId, senderConfigEpoch, header.slotBitmap);
    }
    // The reverse: the sender claims slots we know a newer owner for: tell it (one UPDATE).
    if (senderId !== null && dirtySlots) {
      for (let slot = 0; slot < header.slotBitmap.length * 8; slot++) {
        if (!hasSlot(header.slotBitmap, slot)) continue;
        const owner = ctx.draft.owner(slot);
        if (owner === senderId || isSlotUnclaimed(ctx, slot)) continue;
        const ownerNode = ctx.draft.node(owner!)!;
        if (ownerNode.configEpoch > senderConfigEpoch) {
          ctx.log('verbose', `Node ${senderId} has old slots configuration, sending an UPDATE message about ${ownerNode.id}`);
          ctx.send(ctx.nodeRuntime(senderId).outboundLinkId, buildUpdate(ctx, ownerNode));
          break;
        }
      }
    }

    if (senderId !== null) {
      const me = ctx.draft.myself;
      const sender = ctx.draft.node(senderId)!;
      if (isMaster(me) && isMaster(sender) && senderConfigEpoch === me.configEpoch) handleConfigEpochCollision(ctx, senderId);
    }

    if (senderId !== null) {
      processGossipSection(ctx, message, link);
      processPingExtensions(ctx, message, senderId);
    }
    return;
  }

  switch (type) {
    case MessageType.fail: {
      if (message.body.kind !== 'fail') return;
      const failingId = message.body.failingNodeId;
      if (senderId === null) {
        ctx.log('notice', `Ignoring FAIL message from unknown node ${header.senderId} about ${failingId}`);
        return;
      }
      const failing = ctx.draft.node(failingId);
      if (failing !== undefined && (failing.flags & (NodeFlag.fail | NodeFlag.myself)) === 0) {
        ctx.log('notice', `FAIL message received from ${header.senderId} about ${failingId}`);
        ctx.draft.setFlags(failingId, NodeFlag.fail, NodeFlag.pfail);
        ctx.nodeRuntime(failingId).failTimeMs = now;
        ctx.doBeforeSleep(Todo.saveConfig | Todo.updateState);
      }
      return;
    }
    case MessageType.publish:
    case MessageType.publishShard:
      if (senderId === null || message.body.kind !== 'publish') return;
      ctx.effects.push({ kind: 'deliverPublish', channel: message.body.channel, message: message.body.message, shard: type === MessageType.publishShard });
      return;
    case MessageType.failoverAuthRequest:
    case MessageType.failoverAuthAck:
    case MessageType.mfstart:
      // Elections and manual failover are later issues: such messages are counted and ignored.
      return;
    case MessageType.update: {
      if (senderId === null || message.body.kind !== 'update') return;
      const { nodeId, configEpoch, slotBitmap } = message.body;
      const about = ctx.draft.node(nodeId);
      if (about === undefined || about.configEpoch >= configEpoch) return;
      if (isReplica(about)) setNodeAsMaster(ctx, nodeId);
      ctx.draft.updateNode(nodeId, { configEpoch });
      ctx.doBeforeSleep(Todo.saveConfig | Todo.fsyncConfig);
      updateSlotsConfigWith(ctx, nodeId, configEpoch, slotBitmap);
      return;
    }
    case MessageType.module:
      // No module API: a known sender's message has nobody to go to.
      return;
    default:
      ctx.log('warning', `Received unknown packet type: ${type}`);
  }
}
