/**
 * Seam for failure detection (the next issue): PFAIL → FAIL by a majority of masters' reports
 * (markNodeAsFailingIfNeeded, clearNodeFailureIfNeeded). Today only what gossip needs is here:
 * PFAIL is set by the cron and cleared by a PONG, FAIL comes from FAIL messages, and a FAIL
 * node that answers again is cleared under Redis's rules.
 */
import { isMaster, isReplica } from '../config.js';
import { NodeFlag } from '../node-flags.js';
import { Todo, type StepContext } from './context.js';
import type { NodeId } from './types.js';

/** CLUSTER_FAIL_UNDO_TIME_MULT: a FAIL master still owning slots is cleared after 2 × timeout. */
export const FAIL_UNDO_TIME_MULT = 2;

/**
 * markNodeAsFailingIfNeeded: called when a master reports `nodeId` as PFAIL/FAIL. The quorum
 * logic (and the FAIL broadcast) belongs to the failure-detection issue; nothing happens yet.
 */
export function markNodeAsFailingIfNeeded(_ctx: StepContext, _nodeId: NodeId): void {}

/** clearNodeFailureIfNeeded: a FAIL node is reachable again. */
export function clearNodeFailureIfNeeded(ctx: StepContext, nodeId: NodeId): void {
  const node = ctx.draft.node(nodeId);
  if (node === undefined || (node.flags & NodeFlag.fail) === 0) return;
  const slots = ctx.draft.slotCount(nodeId);
  if (isReplica(node) || slots === 0) {
    ctx.log('notice', `Clear FAIL state for node ${nodeId}: ${isReplica(node) ? 'replica' : 'master without slots'} is reachable again.`);
    ctx.draft.setFlags(nodeId, 0, NodeFlag.fail);
    ctx.doBeforeSleep(Todo.updateState | Todo.saveConfig);
  }
  const failTimeMs = ctx.nodeRuntime(nodeId).failTimeMs;
  if (isMaster(node) && slots > 0 && ctx.nowMs - failTimeMs > ctx.settings.nodeTimeoutMs * FAIL_UNDO_TIME_MULT) {
    ctx.log('notice', `Clear FAIL state for node ${nodeId}: is reachable again and nobody is serving its slots after some time.`);
    ctx.draft.setFlags(nodeId, 0, NodeFlag.fail);
    ctx.doBeforeSleep(Todo.updateState | Todo.saveConfig);
  }
}
