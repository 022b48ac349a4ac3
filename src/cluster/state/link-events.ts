/**
 * Link events from the I/O side: accepted (clusterConnAcceptHandler), connected
 * (clusterLinkConnectHandler) and closed (handleLinkIOError / a failed connect).
 */
import { MessageType } from '../bus/constants.js';
import { NodeFlag } from '../node-flags.js';
import type { StepContext } from './context.js';
import { sendPing } from './messages.js';
import { freeLink } from './node-ops.js';
import type { LinkId } from './types.js';

export function linkAccepted(ctx: StepContext, linkId: LinkId, peerIp: string, localIp: string): void {
  if (ctx.runtime.links.has(linkId)) return;
  ctx.runtime.links.set(linkId, { id: linkId, direction: 'from', nodeId: null, createdAtMs: ctx.nowMs, connected: true, peerIp, localIp });
  ctx.log('verbose', `Accepting cluster node connection from ${peerIp}`);
}

/**
 * The first message on a new outbound link is a PING, or a MEET while the node is flagged MEET
 * (then the flag goes: if no PONG comes the handshake times out). A ping already in flight keeps
 * its start time, so a reconnect does not hide a failing node.
 */
export function linkConnected(ctx: StepContext, linkId: LinkId, localIp: string): void {
  const link = ctx.runtime.links.get(linkId);
  if (link === undefined || link.direction !== 'to' || link.nodeId === null) return;
  link.connected = true;
  link.localIp = localIp;
  const node = ctx.draft.node(link.nodeId);
  if (node === undefined) return;
  const record = ctx.nodeRuntime(node.id);
  const oldPingSentAtMs = record.pingSentAtMs;
  sendPing(ctx, linkId, (node.flags & NodeFlag.meet) !== 0 ? MessageType.meet : MessageType.ping);
  if (oldPingSentAtMs !== 0) record.pingSentAtMs = oldPingSentAtMs;
  ctx.draft.setFlags(node.id, 0, NodeFlag.meet);
}

/**
 * A closed link is forgotten; the cron reconnects. An outbound link that never connected counts
 * as a ping sent now (Redis's synchronous connect error path), so an unreachable node still
 * times out into PFAIL.
 */
export function linkClosed(ctx: StepContext, linkId: LinkId): void {
  const link = ctx.runtime.links.get(linkId);
  if (link === undefined) return;
  if (link.direction === 'to' && !link.connected && link.nodeId !== null) {
    const record = ctx.nodeRuntime(link.nodeId);
    if (record.pingSentAtMs === 0) record.pingSentAtMs = ctx.nowMs;
  }
  freeLink(ctx, linkId, false);
}
