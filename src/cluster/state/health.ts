/**
 * cluster_state ok/fail (clusterUpdateState in Redis 7.0 src/cluster.c).
 */
import { SLOT_COUNT } from '../../lib/hash-slot.js';
import { isMaster } from '../config.js';
import { NodeFlag } from '../node-flags.js';
import type { StepContext } from './context.js';

/** A master waits this long after its first state update before it says ok (after a restart). */
export const CLUSTER_WRITABLE_DELAY_MS = 2000;
/** The rejoin delay after being in a minority is the node timeout clamped to these bounds. */
export const CLUSTER_MAX_REJOIN_DELAY_MS = 5000;
export const CLUSTER_MIN_REJOIN_DELAY_MS = 500;

export function updateClusterState(ctx: StepContext): void {
  const runtime = ctx.runtime;
  const now = ctx.nowMs;
  const me = ctx.draft.myself;
  if (runtime.firstUpdateStateAtMs === 0) runtime.firstUpdateStateAtMs = now;
  if (isMaster(me) && runtime.health === 'fail' && now - runtime.firstUpdateStateAtMs < CLUSTER_WRITABLE_DELAY_MS) return;

  let next: 'ok' | 'fail' = 'ok';
  if (ctx.settings.requireFullCoverage) {
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const owner = ctx.draft.owner(slot);
      if (owner === null || ((ctx.draft.node(owner)?.flags ?? 0) & NodeFlag.fail) !== 0) {
        next = 'fail';
        break;
      }
    }
  }

  let size = 0;
  let reachableMasters = 0;
  for (const node of ctx.draft.nodes.values()) {
    if (isMaster(node) && ctx.draft.slotCount(node.id) > 0) {
      size++;
      if ((node.flags & (NodeFlag.fail | NodeFlag.pfail)) === 0) reachableMasters++;
    }
  }
  runtime.size = size;

  const quorum = Math.floor(size / 2) + 1;
  if (reachableMasters < quorum) {
    next = 'fail';
    runtime.amongMinorityAtMs = now;
  }

  if (next !== runtime.health) {
    const rejoinDelayMs = Math.min(CLUSTER_MAX_REJOIN_DELAY_MS, Math.max(CLUSTER_MIN_REJOIN_DELAY_MS, ctx.settings.nodeTimeoutMs));
    if (next === 'ok' && isMaster(me) && now - runtime.amongMinorityAtMs < rejoinDelayMs) return;
    ctx.log('warning', `Cluster state changed: ${next}`);
    runtime.health = next;
  }
}
