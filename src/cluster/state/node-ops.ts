/**
 * Node-level operations that touch both the config draft and the runtime record, as Redis's
 * clusterAddNode / clusterDelNode / clusterRenameNode / freeClusterLink / clusterSetNodeAsMaster
 * and the failure-report list do (src/cluster.c).
 */
import { isMaster, isReplica } from '../config.js';
import { NodeFlag } from '../node-flags.js';
import { Todo, type StepContext } from './context.js';
import { randomHexId } from './random-id.js';
import type { ClusterNode, LinkId, NodeId } from './types.js';

/** CLUSTER_FAIL_REPORT_VALIDITY_MULT: reports older than 2 × node timeout are dropped. */
export const FAIL_REPORT_VALIDITY_MULT = 2;

/** 40 random hex characters (getRandomHexChars). */
export function randomNodeId(ctx: StepContext): NodeId {
  return randomHexId(ctx.env.random);
}

/** createClusterNode + clusterAddNode. */
export function addNode(ctx: StepContext, fields: Partial<ClusterNode> & { id: NodeId; flags: number }): ClusterNode {
  const node: ClusterNode = {
    ip: '',
    port: 0,
    pport: 0,
    busPort: 0,
    hostname: '',
    masterId: null,
    configEpoch: 0,
    createdAtMs: ctx.nowMs,
    ...fields,
  };
  ctx.draft.addNode(node);
  ctx.runtime.nodes.delete(node.id);
  ctx.nodeRuntime(node.id);
  return node;
}

/** freeClusterLink: closes the link and unhooks it from its node. */
export function freeLink(ctx: StepContext, linkId: LinkId, emitClose = true): void {
  const link = ctx.runtime.links.get(linkId);
  if (link === undefined) return;
  ctx.runtime.links.delete(linkId);
  if (link.nodeId !== null) {
    const record = ctx.runtime.nodes.get(link.nodeId);
    if (record?.outboundLinkId === linkId) record.outboundLinkId = null;
    if (record?.inboundLinkId === linkId) record.inboundLinkId = null;
  }
  if (emitClose) ctx.effects.push({ kind: 'closeLink', linkId });
}

/** setClusterNodeToInboundClusterLink: a node has one inbound link; a newer one replaces it. */
export function attachInboundLink(ctx: StepContext, nodeId: NodeId, linkId: LinkId): void {
  const record = ctx.nodeRuntime(nodeId);
  if (record.inboundLinkId !== null && record.inboundLinkId !== linkId) {
    ctx.log('debug', `Replacing inbound link ${record.inboundLinkId} from node ${nodeId} with ${linkId}`);
    freeLink(ctx, record.inboundLinkId);
  }
  record.inboundLinkId = linkId;
  const link = ctx.runtime.links.get(linkId);
  if (link !== undefined) link.nodeId = nodeId;
}

/**
 * clusterDelNode: slots and open slots of the node are released, failure reports it made are
 * dropped, its links closed, its record gone.
 */
export function deleteNode(ctx: StepContext, id: NodeId): void {
  const record = ctx.runtime.nodes.get(id);
  ctx.draft.deleteNode(id);
  for (const [otherId, other] of ctx.runtime.nodes) {
    if (otherId !== id) deleteFailureReport(ctx, otherId, id, other.failReports);
  }
  if (record !== undefined) {
    if (record.outboundLinkId !== null) freeLink(ctx, record.outboundLinkId);
    if (record.inboundLinkId !== null) freeLink(ctx, record.inboundLinkId);
  }
  ctx.runtime.nodes.delete(id);
}

/** clusterRenameNode: the handshake node takes the id its first PONG carries. */
export function renameNode(ctx: StepContext, oldId: NodeId, newId: NodeId): void {
  ctx.log('debug', `Renaming node ${oldId} into ${newId}`);
  ctx.draft.renameNode(oldId, newId);
  const record = ctx.nodeRuntime(oldId);
  ctx.runtime.nodes.delete(oldId);
  ctx.runtime.nodes.set(newId, record);
  for (const link of ctx.runtime.links.values()) if (link.nodeId === oldId) link.nodeId = newId;
  for (const other of ctx.runtime.nodes.values()) {
    const reportedAt = other.failReports.get(oldId);
    if (reportedAt !== undefined) {
      other.failReports.delete(oldId);
      other.failReports.set(newId, reportedAt);
    }
  }
}

/** clusterSetNodeAsMaster. */
export function setNodeAsMaster(ctx: StepContext, id: NodeId): void {
  const node = ctx.draft.node(id);
  if (node === undefined || isMaster(node)) return;
  let flags = (node.flags & ~NodeFlag.slave) | NodeFlag.master;
  // A replica that was promoted keeps its old master's replicas in mind: a migration target.
  if (node.masterId !== null && id !== ctx.draft.myselfId) flags |= NodeFlag.migrateTo;
  ctx.draft.updateNode(id, { flags, masterId: null });
  ctx.doBeforeSleep(Todo.saveConfig | Todo.updateState);
}

/** clusterSetMaster: myself becomes a replica of `masterId` (the caller checked it may). */
export function setMyMaster(ctx: StepContext, masterId: NodeId): void {
  const me = ctx.draft.myself;
  if (isMaster(me)) {
    ctx.draft.updateNode(me.id, { flags: (me.flags & ~(NodeFlag.master | NodeFlag.migrateTo)) | NodeFlag.slave });
    ctx.draft.closeAllSlots();
  }
  ctx.draft.updateNode(me.id, { masterId });
  const master = ctx.draft.node(masterId);
  if (master !== undefined) ctx.draft.setFlags(masterId, NodeFlag.migrateTo);
  ctx.effects.push({ kind: 'replicaOf', masterId });
}

/** clusterNodeAddFailureReport: true when the report is new (not a refresh). */
export function addFailureReport(ctx: StepContext, failingId: NodeId, reporterId: NodeId): boolean {
  const reports = ctx.nodeRuntime(failingId).failReports;
  const isNew = !reports.has(reporterId);
  reports.set(reporterId, ctx.nowMs);
  return isNew;
}

/** clusterNodeCleanupFailureReports. */
export function cleanupFailureReports(ctx: StepContext, failingId: NodeId): void {
  const reports = ctx.nodeRuntime(failingId).failReports;
  const maxAgeMs = ctx.settings.nodeTimeoutMs * FAIL_REPORT_VALIDITY_MULT;
  for (const [reporter, reportedAtMs] of reports) if (ctx.nowMs - reportedAtMs > maxAgeMs) reports.delete(reporter);
}

/** clusterNodeDelFailureReport: true when a report from `reporterId` was there. */
export function deleteFailureReport(
  ctx: StepContext,
  failingId: NodeId,
  reporterId: NodeId,
  reports = ctx.nodeRuntime(failingId).failReports,
): boolean {
  if (!reports.delete(reporterId)) return false;
  cleanupFailureReports(ctx, failingId);
  return true;
}

/** clusterNodeFailureReportsCount. */
export function failureReportCount(ctx: StepContext, failingId: NodeId): number {
  cleanupFailureReports(ctx, failingId);
  return ctx.nodeRuntime(failingId).failReports.size;
}

/** The master whose slots a node serves: itself, or its master when it is a replica. */
export function shardMasterOf(ctx: StepContext, node: ClusterNode): ClusterNode | undefined {
  if (isMaster(node)) return node;
  if (isReplica(node) && node.masterId !== null) return ctx.draft.node(node.masterId);
  return undefined;
}
