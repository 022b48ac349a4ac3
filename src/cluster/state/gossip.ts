/**
 * What a PING/PONG/MEET teaches us besides its header: the gossip section
 * (clusterProcessGossipSection) and the ping extensions (clusterProcessPingExtensions).
 */
import type { ClusterMessage } from '../bus/message.js';
import { isMaster } from '../config.js';
import { NodeFlag } from '../node-flags.js';
import type { StepContext } from './context.js';
import { markNodeAsFailingIfNeeded } from './failure.js';
import { isBlacklisted } from './forget-blacklist.js';
import { addFailureReport, addNode, deleteFailureReport, failureReportCount, freeLink } from './node-ops.js';
import type { LinkRecord, NodeId } from './types.js';

/** A peer's pong time is taken only if it is not more than this far in our future. */
const GOSSIP_PONG_FUTURE_TOLERANCE_MS = 500;

/**
 * Per entry: failure reports (from masters only), a fresher pong time for a node we see as up,
 * a new address for a node we cannot reach, and new nodes — only when the sender is known (so a
 * stranger cannot make us join another cluster) and the id is not banned by FORGET.
 */
export function processGossipSection(ctx: StepContext, message: ClusterMessage, link: LinkRecord): void {
  if (message.body.kind !== 'ping') return;
  const senderId: NodeId | null = link.nodeId ?? (ctx.draft.node(message.header.senderId) ? message.header.senderId : null);
  const sender = senderId === null ? undefined : ctx.draft.node(senderId);
  for (const entry of message.body.gossip) {
    const flags = entry.nodeFlags;
    const node = ctx.draft.node(entry.nodeId);
    if (node !== undefined) {
      if (sender !== undefined && isMaster(sender) && node.id !== ctx.draft.myselfId) {
        if ((flags & (NodeFlag.fail | NodeFlag.pfail)) !== 0) {
          if (addFailureReport(ctx, node.id, sender.id)) ctx.log('verbose', `Node ${sender.id} reported node ${node.id} as not reachable.`);
          markNodeAsFailingIfNeeded(ctx, node.id);
        } else if (deleteFailureReport(ctx, node.id, sender.id)) {
          ctx.log('verbose', `Node ${sender.id} reported node ${node.id} is back online.`);
        }
      }

      const record = ctx.nodeRuntime(node.id);
      if ((flags & (NodeFlag.fail | NodeFlag.pfail)) === 0 && record.pingSentAtMs === 0 && failureReportCount(ctx, node.id) === 0) {
        const pongMs = entry.pongReceivedAtSec * 1000;
        if (pongMs <= ctx.nowMs + GOSSIP_PONG_FUTURE_TOLERANCE_MS && pongMs > record.pongReceivedAtMs) record.pongReceivedAtMs = pongMs;
      }

      const current = ctx.draft.node(node.id)!;
      if (
        (current.flags & (NodeFlag.fail | NodeFlag.pfail)) !== 0 &&
        (flags & NodeFlag.noaddr) === 0 &&
        (flags & (NodeFlag.fail | NodeFlag.pfail)) === 0 &&
        (current.ip.toLowerCase() !== entry.ip.toLowerCase() || current.port !== entry.port || current.busPort !== entry.cport)
      ) {
        if (record.outboundLinkId !== null) freeLink(ctx, record.outboundLinkId);
        ctx.draft.updateNode(node.id, {
          ip: entry.ip,
          port: entry.port,
          pport: entry.pport,
          busPort: entry.cport,
          flags: current.flags & ~NodeFlag.noaddr,
        });
      }
    } else if (sender !== undefined && (flags & NodeFlag.noaddr) === 0 && !isBlacklisted(ctx, entry.nodeId)) {
      addNode(ctx, { id: entry.nodeId, flags, ip: entry.ip, port: entry.port, pport: entry.pport, busPort: entry.cport });
    }
  }
}

/** The sender's hostname is what its HOSTNAME extension says, or none when it sent none. */
export function processPingExtensions(ctx: StepContext, message: ClusterMessage, senderId: NodeId): void {
  if (message.body.kind !== 'ping') return;
  let hostname = '';
  for (const ext of message.body.extensions) {
    if (ext.kind === 'hostname') hostname = ext.hostname;
    else ctx.log('warning', `Received unknown extension type ${ext.type}`);
  }
  if (message.body.extensions.length > 0) ctx.nodeRuntime(senderId).sentExtensions = true;
  if (ctx.draft.node(senderId) !== undefined) ctx.draft.updateNode(senderId, { hostname });
}
