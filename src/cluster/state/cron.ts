/**
 * The 100 ms tick (clusterCron of Redis 7.0 src/cluster.c): reconnect links, drop stale
 * handshakes, ping one node a second plus every node whose pong is older than half the node
 * timeout, flag PFAIL, refresh cluster_state while it is fail.
 */
import { MessageType } from '../bus/constants.js';
import { inHandshake } from '../config.js';
import { NodeFlag } from '../node-flags.js';
import type { StepContext } from './context.js';
import { sendPing } from './messages.js';
import { deleteNode, freeLink } from './node-ops.js';
import { updateClusterState } from './health.js';
import type { NodeId } from './types.js';

/** The cron runs every CLUSTER_CRON_PERIOD_MS; the random ping runs every 10th run (1 s). */
export const CLUSTER_CRON_PERIOD_MS = 100;
const RANDOM_PING_EVERY_ITERATIONS = 10;
const RANDOM_PING_CANDIDATES = 5;
/** A handshake never lasts less than this, even with a tiny node timeout. */
const MIN_HANDSHAKE_TIMEOUT_MS = 1000;

/** Opens an outbound link to a node: the I/O side answers with linkConnected or linkClosed. */
export function connectNode(ctx: StepContext, nodeId: NodeId): void {
  const node = ctx.draft.node(nodeId)!;
  const linkId = `out:${++ctx.runtime.nextLinkNumber}`;
  ctx.runtime.links.set(linkId, { id: linkId, direction: 'to', nodeId, createdAtMs: ctx.nowMs, connected: false, peerIp: node.ip, localIp: '' });
  ctx.nodeRuntime(nodeId).outboundLinkId = linkId;
  ctx.effects.push({ kind: 'connect', linkId, nodeId, ip: node.ip, busPort: node.busPort });
}

export function clusterCron(ctx: StepContext): void {
  const runtime = ctx.runtime;
  const now = ctx.nowMs;
  const nodeTimeoutMs = ctx.settings.nodeTimeoutMs;
  runtime.cronIteration++;
  runtime.lastTickAtMs = now;

  // clusterUpdateMyselfHostname.
  const me = ctx.draft.myself;
  if (me.hostname !== ctx.settings.announceHostname) ctx.draft.updateNode(me.id, { hostname: ctx.settings.announceHostname });

  const handshakeTimeoutMs = Math.max(nodeTimeoutMs, MIN_HANDSHAKE_TIMEOUT_MS);
  runtime.pfailNodes = 0;
  for (const node of [...ctx.draft.nodes.values()]) {
    if ((node.flags & (NodeFlag.myself | NodeFlag.noaddr)) !== 0) continue;
    if ((node.flags & NodeFlag.pfail) !== 0) runtime.pfailNodes++;
    if (inHandshake(node) && now - node.createdAtMs > handshakeTimeoutMs) {
      deleteNode(ctx, node.id);
      continue;
    }
    if (ctx.nodeRuntime(node.id).outboundLinkId === null) connectNode(ctx, node.id);
  }

  if (runtime.cronIteration % RANDOM_PING_EVERY_ITERATIONS === 0) {
    const nodes = [...ctx.draft.nodes.values()];
    let oldest: { id: NodeId; pongMs: number } | null = null;
    for (let i = 0; i < RANDOM_PING_CANDIDATES; i++) {
      const node = nodes[ctx.env.random.int(nodes.length)]!;
      const record = ctx.nodeRuntime(node.id);
      if (record.outboundLinkId === null || record.pingSentAtMs !== 0) continue;
      if ((node.flags & (NodeFlag.myself | NodeFlag.handshake)) !== 0) continue;
      if (oldest === null || oldest.pongMs > record.pongReceivedAtMs) oldest = { id: node.id, pongMs: record.pongReceivedAtMs };
    }
    if (oldest !== null) {
      ctx.log('debug', `Pinging node ${oldest.id}`);
      sendPing(ctx, ctx.nodeRuntime(oldest.id).outboundLinkId!, MessageType.ping);
    }
  }

  let updateState = false;
  for (const node of [...ctx.draft.nodes.values()]) {
    if ((node.flags & (NodeFlag.myself | NodeFlag.noaddr | NodeFlag.handshake)) !== 0) continue;
    const record = ctx.nodeRuntime(node.id);
    // Orphaned-master accounting for replica migration belongs to a later issue.
    const pingDelayMs = now - record.pingSentAtMs;
    const dataDelayMs = now - record.dataReceivedAtMs;
    const link = record.outboundLinkId === null ? undefined : runtime.links.get(record.outboundLinkId);
    // No traffic at all for half the timeout on a link older than the timeout: reconnect it.
    if (
      link !== undefined &&
      now - link.createdAtMs > nodeTimeoutMs &&
      record.pingSentAtMs !== 0 &&
      pingDelayMs > nodeTimeoutMs / 2 &&
      dataDelayMs > nodeTimeoutMs / 2
    ) {
      freeLink(ctx, link.id);
    }
    if (record.outboundLinkId !== null && record.pingSentAtMs === 0 && now - record.pongReceivedAtMs > nodeTimeoutMs / 2) {
      sendPing(ctx, record.outboundLinkId, MessageType.ping);
      continue;
    }
    if (record.pingSentAtMs === 0) continue;
    const nodeDelayMs = Math.min(pingDelayMs, dataDelayMs);
    if (nodeDelayMs > nodeTimeoutMs) {
      const current = ctx.draft.node(node.id)!;
      if ((current.flags & (NodeFlag.pfail | NodeFlag.fail)) === 0) {
        ctx.log('debug', `*** NODE ${node.id} possibly failing`);
        ctx.draft.setFlags(node.id, NodeFlag.pfail);
        updateState = true;
      }
    }
  }

  // Replication setup, manual failover, elections and replica migration: later issues.
  if (updateState || runtime.health === 'fail') updateClusterState(ctx);
}
