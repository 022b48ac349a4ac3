import type { CommandContext, CommandDefinition } from '../context.js';
import { requireClusterMode as requireCluster } from './cluster-mode.js';

// ASKING, READONLY and READWRITE set per-client flags routing reads (src/cluster/routing.ts).

/** ASKING: the next command (or transaction) may use a slot this node is importing. */
function asking(ctx: CommandContext): void {
  requireCluster(ctx);
  ctx.client.clusterAsking = true;
  ctx.reply.ok();
}

/** READONLY: on a replica, reads of the master's slots are served here instead of MOVED. */
function readonly(ctx: CommandContext): void {
  requireCluster(ctx);
  ctx.client.clusterReadonly = true;
  ctx.reply.ok();
}

function readwrite(ctx: CommandContext): void {
  requireCluster(ctx);
  ctx.client.clusterReadonly = false;
  ctx.reply.ok();
}

export const clusterClientCommands: readonly CommandDefinition[] = [
  { name: 'asking', handler: asking },
  { name: 'readonly', handler: readonly },
  { name: 'readwrite', handler: readwrite },
];
