/**
 * The interface of the cluster state machine (Redis 7.0 src/cluster.c: gossip, handshake, slot
 * ownership by configEpoch, cluster_state). Pure: the I/O layer (src/cluster/runtime) feeds
 * `step` with ticks, bus messages, link events and commands, then applies the effects it returns,
 * in order, once per event.
 *
 *   step(state, input, env) → { state, effects, reply? }
 *
 * - `state.config` (ClusterConfig) is immutable: every change returns a new object, so "did the
 *   config change" is `next.config !== previous.config`.
 * - `state.runtime` (ClusterRuntime) holds the hot, mutable, not persisted values (ping/pong
 *   times, links, failure reports, stats). `step` mutates it in place and returns the same object.
 * - `env` carries the time and the randomness: nothing in state/ reads a clock or Math.random.
 *
 * Links: the state machine names the outbound links it asks for (`connect.linkId`, 'out:<n>');
 * the I/O side names the inbound links it accepts (any string that does not start with 'out:').
 *
 * Stability: the cluster I/O branch builds on these types. Additions are fine; any change is
 * announced in the commit message.
 */
import type { Random } from '../../lib/random.js';
import type { ClusterMessage } from '../bus/message.js';

/** 40 lowercase hex characters. */
export type NodeId = string;
/** See the module comment: 'out:<n>' for outbound links, the I/O side's names for inbound ones. */
export type LinkId = string;

/** One node as the config knows it (what nodes.conf keeps), immutable. */
export interface ClusterNode {
  readonly id: NodeId;
  /** '' while unknown (myself before the first MEET, or a NOADDR node). */
  readonly ip: string;
  /** Client port (the TLS port when TLS is on). */
  readonly port: number;
  /** Plaintext client port when `port` is TLS, else 0. */
  readonly pport: number;
  /** Cluster bus port. */
  readonly busPort: number;
  /** '' when the node announces none. */
  readonly hostname: string;
  /** NodeFlag bits (src/cluster/node-flags.ts): master, slave, pfail, fail, myself, handshake... */
  readonly flags: number;
  /** The master of a replica, or null. */
  readonly masterId: NodeId | null;
  /** The node's own configEpoch (for a replica Redis prints its master's: see nodes-view). */
  readonly configEpoch: number;
  /** Creation time of the node record (ctime): the handshake timeout counts from here. */
  readonly createdAtMs: number;
}

/** The persisted cluster configuration (what nodes.conf holds), immutable. */
export interface ClusterConfig {
  readonly myselfId: NodeId;
  readonly currentEpoch: number;
  readonly lastVoteEpoch: number;
  /** Every known node, myself included, by id. Iteration order: insertion (like nothing in Redis). */
  readonly nodes: ReadonlyMap<NodeId, ClusterNode>;
  /** 16384 entries: the owner of each slot, or null. Never mutated: changes copy it. */
  readonly slotOwners: readonly (NodeId | null)[];
  /** Slot → node we migrate it to (CLUSTER SETSLOT MIGRATING). */
  readonly migratingTo: ReadonlyMap<number, NodeId>;
  /** Slot → node we import it from (CLUSTER SETSLOT IMPORTING). */
  readonly importingFrom: ReadonlyMap<number, NodeId>;
}

/** Directive-derived settings (redis.conf names in comments); changed by the `settings` input. */
export interface ClusterSettings {
  /** port */
  readonly port: number;
  /** The plaintext port when `port` is TLS, else 0. */
  readonly pport: number;
  /** cluster-port (0 in the directive means port + 10000; resolved before it gets here). */
  readonly busPort: number;
  /** cluster-node-timeout */
  readonly nodeTimeoutMs: number;
  /** cluster-require-full-coverage */
  readonly requireFullCoverage: boolean;
  /** cluster-allow-reads-when-down (routing reads it; kept here so one record has it all) */
  readonly allowReadsWhenDown: boolean;
  /** cluster-allow-replica-migration */
  readonly allowReplicaMigration: boolean;
  /** cluster-announce-ip, '' when not set */
  readonly announceIp: string;
  /** cluster-announce-port, 0 when not set */
  readonly announcePort: number;
  /** cluster-announce-tls-port / plaintext port announcement, 0 when not set */
  readonly announcePport: number;
  /** cluster-announce-bus-port, 0 when not set */
  readonly announceBusPort: number;
  /** cluster-announce-hostname, '' when not set */
  readonly announceHostname: string;
  /** cluster-replica-no-failover: myself carries the NOFAILOVER flag (absent = no). */
  readonly replicaNoFailover?: boolean;
}

export type LinkDirection = 'to' | 'from';

/** One bus connection as the state machine tracks it. */
export interface LinkRecord {
  readonly id: LinkId;
  /** 'to': outbound (we connected), 'from': inbound (accepted). Named as CLUSTER LINKS does. */
  readonly direction: LinkDirection;
  /** The node at the other end; null for an inbound link until a MEET or a known sender's PING. */
  nodeId: NodeId | null;
  readonly createdAtMs: number;
  /** Outbound: false until `linkConnected`. Inbound links are connected when reported. */
  connected: boolean;
  /** The peer's address as the socket says (inbound), or the address we connected to. */
  readonly peerIp: string;
  /** Our own address on this connection (getsockname), '' until known: MEET teaches myself's ip. */
  localIp: string;
}

/** Hot per-node values, not persisted (except ping/pong, which CLUSTER NODES / nodes.conf print). */
export interface NodeRuntime {
  /** When the ping in flight was sent, 0 when none (ping_sent). */
  pingSentAtMs: number;
  /** Last PONG received (pong_received). */
  pongReceivedAtMs: number;
  /** Last data of any kind received from the node (data_received). */
  dataReceivedAtMs: number;
  /** When FAIL was set (fail_time), 0 when not failed. */
  failTimeMs: number;
  /** Last time we voted for a replica of this master (voted_time): seam for failover. */
  votedAtMs: number;
  replOffset: number;
  replOffsetAtMs: number;
  /** Seam for replica migration (orphaned_time). */
  orphanedAtMs: number;
  /** Reporter node id → time of its last PFAIL/FAIL report (fail_reports). */
  readonly failReports: Map<NodeId, number>;
  /** Outbound link (node->link), null when none. */
  outboundLinkId: LinkId | null;
  /** Inbound link (node->inbound_link), null when none. */
  inboundLinkId: LinkId | null;
  /** Gossip round stamp (last_in_ping_gossip): a node goes into one packet at most once. */
  lastInPingGossip: number;
  /** Whether the peer sent ping extensions (so we may send ours). */
  sentExtensions: boolean;
}

/** Counters CLUSTER INFO prints (cluster_stats_messages_*), indexed by message type. */
export interface BusStats {
  readonly sentByType: number[];
  readonly receivedByType: number[];
}

/** The mutable, not persisted part of the state. */
export interface ClusterRuntime {
  readonly nodes: Map<NodeId, NodeRuntime>;
  readonly links: Map<LinkId, LinkRecord>;
  /** Counter for outbound link names. */
  nextLinkNumber: number;
  /** cluster_state: 'ok' or 'fail' (CLUSTER_OK / CLUSTER_FAIL). Starts 'fail'. */
  health: 'ok' | 'fail';
  /** Masters serving at least one slot (cluster_size). */
  size: number;
  /** When this node last found itself in a minority partition (among_minority_time). */
  amongMinorityAtMs: number;
  /** The first time clusterUpdateState ran (first_call_time): the rejoin delay counts from it. */
  firstUpdateStateAtMs: number;
  /** Forgotten node id → expiry of its FORGET ban, in Unix seconds as Redis keeps it (nodes_black_list). */
  readonly forgetBlacklist: Map<NodeId, number>;
  /** Slots whose owner no longer claims them (owner_not_claiming_slot). */
  readonly ownerNotClaimingSlot: Uint8Array;
  /** Iteration counter of the 100 ms cron (clusterCron's `iteration`). */
  cronIteration: number;
  /** Gossip round counter (stat_cluster_gossip_... / last_in_ping_gossip stamp source). */
  gossipRound: number;
  /** Nodes in PFAIL, not counting NOADDR ones (stats_pfail_nodes). */
  pfailNodes: number;
  readonly stats: BusStats;
  /** Last time clusterCron's handshake/ping pass ran (it runs each tick; kept for tests). */
  lastTickAtMs: number;
  /** Our replication offset for the header (0 until replication exists; the I/O side sets it). */
  myReplicationOffset: number;
}

export interface ClusterState {
  readonly config: ClusterConfig;
  readonly runtime: ClusterRuntime;
  readonly settings: ClusterSettings;
}

export interface StepEnv {
  readonly nowMs: number;
  readonly random: Random;
}

/** Typed CLUSTER subcommands that change state; arguments already parsed by the I/O side. */
export type ClusterCommand =
  /** CLUSTER MEET ip port [cport]: cport defaults to port + 10000. */
  | { readonly kind: 'meet'; readonly ip: string; readonly port: number; readonly busPort?: number }
  /** ADDSLOTS / ADDSLOTSRANGE (ranges flattened in argument order, duplicates kept). */
  | { readonly kind: 'addSlots'; readonly slots: readonly number[] }
  /** DELSLOTS / DELSLOTSRANGE. */
  | { readonly kind: 'delSlots'; readonly slots: readonly number[] }
  | { readonly kind: 'flushSlots' }
  | { readonly kind: 'setSlot'; readonly slot: number; readonly action: 'node' | 'importing' | 'migrating'; readonly nodeId: string }
  | { readonly kind: 'setSlot'; readonly slot: number; readonly action: 'stable' }
  | { readonly kind: 'forget'; readonly nodeId: string }
  | { readonly kind: 'reset'; readonly hard: boolean }
  | { readonly kind: 'bumpEpoch' }
  | { readonly kind: 'setConfigEpoch'; readonly configEpoch: number }
  | { readonly kind: 'saveConfig' }
  /** CLUSTER REPLICATE: seam for the replication issue (validated, then refused). */
  | { readonly kind: 'replicate'; readonly nodeId: string }
  /** PUBLISH (shard false) / SPUBLISH (shard true) in cluster mode: propagate on the bus. */
  | { readonly kind: 'publish'; readonly channel: string; readonly message: string; readonly shard: boolean };

/**
 * Facts the caller knows and the state machine does not: key counts for SETSLOT / DELSLOTS
 * checks. Optional, so the simulator can omit it (as if every slot were empty).
 */
export interface CommandContext {
  /** Keys in the slot (countKeysInSlot), for SETSLOT ... NODE. */
  readonly keysInSlot?: (slot: number) => number;
  /** Keys in db 0, for FLUSHSLOTS, REPLICATE and RESET (a master must be empty). */
  readonly keyCount?: () => number;
}

export type ClusterInput =
  /** The 100 ms cron (clusterCron) plus the before-sleep work; env.nowMs is the time. */
  | { readonly kind: 'tick' }
  /** A decoded frame that arrived on a link. */
  | { readonly kind: 'message'; readonly linkId: LinkId; readonly message: ClusterMessage }
  /** An inbound connection was accepted. localIp: our address on it (learned on MEET). */
  | { readonly kind: 'linkAccepted'; readonly linkId: LinkId; readonly peerIp: string; readonly localIp: string }
  /** An outbound connection (from a `connect` effect) is up. localIp: our address on it. */
  | { readonly kind: 'linkConnected'; readonly linkId: LinkId; readonly localIp: string }
  /** A link closed, or an outbound connect failed (either way the link is gone). */
  | { readonly kind: 'linkClosed'; readonly linkId: LinkId }
  | { readonly kind: 'command'; readonly command: ClusterCommand; readonly context?: CommandContext }
  /** CONFIG SET of a cluster directive. */
  | { readonly kind: 'settings'; readonly settings: ClusterSettings };

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

export type ClusterEffect =
  /** Send one message on one link. */
  | { readonly kind: 'send'; readonly linkId: LinkId; readonly message: ClusterMessage }
  /** Send one message on several links (encode once). */
  | { readonly kind: 'broadcast'; readonly linkIds: readonly LinkId[]; readonly message: ClusterMessage }
  /** Open an outbound link to a node's bus port; report `linkConnected` or `linkClosed`. */
  | { readonly kind: 'connect'; readonly linkId: LinkId; readonly nodeId: NodeId; readonly ip: string; readonly busPort: number }
  /** Close a link (or abort its pending connect). No `linkClosed` input is expected back. */
  | { readonly kind: 'closeLink'; readonly linkId: LinkId }
  /** Write nodes.conf from the returned state (atomically); fsync when asked. */
  | { readonly kind: 'saveConfig'; readonly fsync: boolean }
  /** A PUBLISH / PUBLISHSHARD from the bus: deliver to local subscribers. */
  | { readonly kind: 'deliverPublish'; readonly channel: string; readonly message: string; readonly shard: boolean }
  /** Myself lost these slots to another node: delete their keys (Redis: delKeysInSlot). */
  | { readonly kind: 'dropSlotKeys'; readonly slots: readonly number[] }
  /** Seam for replication: myself should become a replica of masterId (null: become a master). */
  | { readonly kind: 'replicaOf'; readonly masterId: NodeId | null }
  /** Seam for reset: CLUSTER RESET asks the node to flush its data (the caller checked it may). */
  | { readonly kind: 'flushData' }
  | { readonly kind: 'log'; readonly level: LogLevel; readonly text: string };

/** A command's reply: `+OK`, another status line, or an error line (full text, e.g. 'ERR ...'). */
export type CommandReply =
  | { readonly kind: 'ok' }
  | { readonly kind: 'status'; readonly text: string }
  | { readonly kind: 'error'; readonly message: string };

export interface StepResult {
  readonly state: ClusterState;
  readonly effects: readonly ClusterEffect[];
  /** Set for `command` inputs only. */
  readonly reply?: CommandReply;
}

/** The signature implemented by src/cluster/state/step.ts. */
export type StepFunction = (state: ClusterState, input: ClusterInput, env: StepEnv) => StepResult;
