/**
 * The FORGET ban (clusterBlacklist*): a forgotten id is not re-learned from gossip for 60 s, so
 * redis-cli has time to send FORGET to every node. Redis keeps Unix seconds (time(NULL) + 60) and
 * drops entries whose expiry is before the current second; so do we.
 */
import type { StepContext } from './context.js';
import type { NodeId } from './types.js';

export const CLUSTER_BLACKLIST_TTL_SEC = 60;

function nowSec(ctx: StepContext): number {
  return Math.floor(ctx.nowMs / 1000);
}

function cleanup(ctx: StepContext): void {
  const now = nowSec(ctx);
  for (const [id, expiresAtSec] of ctx.runtime.forgetBlacklist) if (expiresAtSec < now) ctx.runtime.forgetBlacklist.delete(id);
}

export function blacklistNode(ctx: StepContext, id: NodeId): void {
  cleanup(ctx);
  ctx.runtime.forgetBlacklist.set(id, nowSec(ctx) + CLUSTER_BLACKLIST_TTL_SEC);
}

export function isBlacklisted(ctx: StepContext, id: NodeId): boolean {
  cleanup(ctx);
  return ctx.runtime.forgetBlacklist.has(id);
}
