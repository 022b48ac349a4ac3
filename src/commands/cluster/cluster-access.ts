import { NodeFlag } from '../../cluster/node-flags.js';
import type { ClusterNode, ClusterState, CommandReply } from '../../cluster/state/types.js';
import { ReplyError } from '../../lib/errors.js';
import type { CommandContext } from '../context.js';
import type { ClusterFacade } from './cluster-facade.js';

/** The cluster node behind a CLUSTER subcommand (the group wrapper checked cluster-enabled). */
export function clusterOf(ctx: CommandContext): ClusterFacade {
  const cluster = ctx.server.cluster;
  if (cluster === undefined) throw new ReplyError('ERR This instance has cluster support disabled');
  return cluster;
}

/**
 * clusterLookupNode: only a well-formed id (verifyClusterNodeId: 40 chars of [a-z0-9]) can name
 * a node; anything else is unknown.
 */
export function lookupNode(state: ClusterState, id: string): ClusterNode | undefined {
  if (!/^[a-z0-9]{40}$/.test(id)) return undefined;
  return state.config.nodes.get(id);
}

export function isReplicaNode(node: ClusterNode): boolean {
  return (node.flags & NodeFlag.slave) !== 0;
}

export function isFailedNode(node: ClusterNode): boolean {
  return (node.flags & NodeFlag.fail) !== 0;
}

/** The state machine's reply to a command, written to the client. */
export function writeCommandReply(ctx: CommandContext, reply: CommandReply): void {
  if (reply.kind === 'ok') ctx.reply.ok();
  else if (reply.kind === 'status') ctx.reply.simple(reply.text);
  else throw new ReplyError(reply.message);
}

/** The replicas of a master, in the node table's order (Redis keeps master->slaves in add order). */
export function replicasOf(state: ClusterState, masterId: string): ClusterNode[] {
  const replicas: ClusterNode[] = [];
  for (const node of state.config.nodes.values()) if (isReplicaNode(node) && node.masterId === masterId) replicas.push(node);
  return replicas;
}
