import type { ClusterCommand, ClusterState, CommandContext, CommandReply } from '../../cluster/state/types.js';

/** One bus link's buffers, for CLUSTER LINKS. */
export interface LinkBuffers {
  readonly sendBufferBytes: number;
  readonly sendBufferPeakBytes: number;
}

/**
 * The cluster node as CLUSTER handlers see it (implemented by src/server/cluster). Handlers parse
 * arguments, hand typed commands to `command`, and render replies from `state`.
 */
export interface ClusterFacade {
  /** The state as of now (immutable config + live runtime record). */
  readonly state: ClusterState;
  /** Runs one CLUSTER command through the state machine; the effects follow this turn. */
  command(command: ClusterCommand, context: CommandContext): CommandReply;
  /** PUBLISH (shard false) / SPUBLISH (shard true) after local delivery: send it on the bus. */
  publish(channel: string, message: string, shard: boolean): void;
  /** cluster-preferred-endpoint-type. */
  readonly preferredEndpointType: 'ip' | 'hostname' | 'unknown-endpoint';
  /** A link's buffers, or undefined when the bus has no such link. */
  linkBuffers(linkId: string): LinkBuffers | undefined;
  /** total_cluster_links_buffer_limit_exceeded. */
  readonly linksOverSendLimit: number;
  /** Our replication offset (master_repl_offset); 0 until replication exists. */
  readonly replicationOffset: number;
}
