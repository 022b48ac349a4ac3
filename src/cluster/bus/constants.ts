/**
 * Redis 7.0's cluster bus wire layout (src/cluster.h of 7.0.15: clusterMsg, clusterMsgData,
 * clusterMsgDataGossip, clusterMsgPingExt). Every integer is big-endian on the wire except the
 * MODULE message's module id, which Redis copies in the sender's host order.
 *
 * Each layout below lists its fields in wire order with their sizes; constants.test.ts checks
 * that the fields are contiguous and that every offset equals the one Redis pins with
 * static_assert, so a slip here fails a test instead of corrupting a frame.
 */
import { assert } from '../../lib/assert.js';
import { SLOT_BITMAP_BYTES } from '../slot-bitmap.js';

export const SIGNATURE = 'RCmb';
export const PROTOCOL_VERSION = 1;
/** CLUSTER_NAMELEN: a node id is 40 hex characters. */
export const NODE_ID_BYTES = 40;
/** NET_IP_STR_LEN: room for an IPv6 text address and its NUL. */
export const IP_FIELD_BYTES = 46;

export interface FieldLayout {
  readonly offset: number;
  readonly size: number;
}

/** Builds a layout from (name, size) pairs in wire order: offsets are the running sum. */
function layout<const Names extends string>(fields: readonly (readonly [Names, number])[]): Record<Names, FieldLayout> {
  const out = new Map<string, FieldLayout>();
  let offset = 0;
  for (const [name, size] of fields) {
    out.set(name, { offset, size });
    offset += size;
  }
  return Object.fromEntries(out) as Record<Names, FieldLayout>;
}

/** clusterMsg up to its data union: the fixed header every frame starts with. */
export const HEADER = layout([
  ['sig', 4],
  ['totlen', 4],
  ['ver', 2],
  ['port', 2],
  ['type', 2],
  ['count', 2],
  ['currentEpoch', 8],
  ['configEpoch', 8],
  ['offset', 8],
  ['sender', NODE_ID_BYTES],
  ['myslots', SLOT_BITMAP_BYTES],
  ['slaveof', NODE_ID_BYTES],
  ['myip', IP_FIELD_BYTES],
  ['extensions', 2],
  ['notused1', 30],
  ['pport', 2],
  ['cport', 2],
  ['flags', 2],
  ['state', 1],
  ['mflags', 3],
]);
/** CLUSTERMSG_MIN_LEN: sizeof(clusterMsg) - sizeof(union clusterMsgData). */
export const HEADER_BYTES = 2256;

/** clusterMsgDataGossip: one entry of the PING/PONG/MEET gossip section. */
export const GOSSIP = layout([
  ['nodename', NODE_ID_BYTES],
  ['ping_sent', 4],
  ['pong_received', 4],
  ['ip', IP_FIELD_BYTES],
  ['port', 2],
  ['cport', 2],
  ['flags', 2],
  ['pport', 2],
  ['notused1', 2],
]);
export const GOSSIP_ENTRY_BYTES = 104;

/** clusterMsgPingExt header; the extension body follows, padded to a multiple of 8 bytes. */
export const PING_EXT = layout([
  ['length', 4],
  ['type', 2],
  ['unused', 2],
]);
export const PING_EXT_HEADER_BYTES = 8;
export const PING_EXT_ALIGN_BYTES = 8;

/** Bodies, with offsets relative to the start of the data union (frame offset HEADER_BYTES). */
export const FAIL_BODY = layout([['nodename', NODE_ID_BYTES]]);
export const FAIL_BODY_BYTES = 40;
/** clusterMsgDataPublish without its 8-byte placeholder: channel then message bytes follow. */
export const PUBLISH_BODY = layout([
  ['channel_len', 4],
  ['message_len', 4],
]);
export const PUBLISH_BODY_FIXED_BYTES = 8;
export const UPDATE_BODY = layout([
  ['configEpoch', 8],
  ['nodename', NODE_ID_BYTES],
  ['slots', SLOT_BITMAP_BYTES],
]);
export const UPDATE_BODY_BYTES = 2096;
/** clusterMsgModule without its 3-byte placeholder: the payload follows. */
export const MODULE_BODY = layout([
  ['module_id', 8],
  ['len', 4],
  ['type', 1],
]);
export const MODULE_BODY_FIXED_BYTES = 13;

/** CLUSTERMSG_TYPE_*. */
export const MessageType = {
  ping: 0,
  pong: 1,
  meet: 2,
  fail: 3,
  publish: 4,
  failoverAuthRequest: 5,
  failoverAuthAck: 6,
  update: 7,
  mfstart: 8,
  module: 9,
  publishShard: 10,
} as const;
export type MessageTypeName = keyof typeof MessageType;
/** CLUSTERMSG_TYPE_COUNT: types at or above it are unknown to 7.0 (it skips their body). */
export const MESSAGE_TYPE_COUNT = 11;

/** The names CLUSTER INFO uses (cluster_stats_messages_<name>_sent), by type number. */
export const MESSAGE_TYPE_STAT_NAMES: readonly string[] = [
  'ping',
  'pong',
  'meet',
  'fail',
  'publish',
  'auth-req',
  'auth-ack',
  'update',
  'mfstart',
  'module',
  'publishshard',
];

/** CLUSTER_NODE_*: the header's flags (the sender's own) and each gossip entry's. */
export { NodeFlag } from '../node-flags.js';

/** CLUSTERMSG_FLAG0_*: bits of mflags[0]. mflags[1] and mflags[2] are unused in 7.0. */
export const MessageFlag = {
  /** The master is paused for a manual failover; `offset` is its paused replication offset. */
  paused: 1 << 0,
  /** Vote for this FAILOVER_AUTH_REQUEST even though the master is not failed (manual failover). */
  forceAck: 1 << 1,
  /** PING/PONG/MEET: ping extensions follow the gossip section. */
  extData: 1 << 2,
} as const;

/** clusterMsgPingtypes: 7.0.15 knows only HOSTNAME; it logs and skips any other type. */
export const PingExtType = {
  hostname: 0,
} as const;

/** Cluster state in the header: CLUSTER_OK / CLUSTER_FAIL. */
export const ClusterState = {
  ok: 0,
  fail: 1,
} as const;

/** Checked at load, like Redis's static_asserts: a wrong size here would corrupt every frame. */
function end(fields: Record<string, FieldLayout>): number {
  return Math.max(...Object.values(fields).map((field) => field.offset + field.size));
}
assert(end(HEADER) === HEADER_BYTES && HEADER.mflags.offset === 2253, 'clusterMsg header layout');
assert(end(GOSSIP) === GOSSIP_ENTRY_BYTES, 'clusterMsgDataGossip layout');
assert(end(PING_EXT) === PING_EXT_HEADER_BYTES, 'clusterMsgPingExt layout');
assert(end(FAIL_BODY) === FAIL_BODY_BYTES && end(UPDATE_BODY) === UPDATE_BODY_BYTES, 'FAIL / UPDATE body layout');
assert(end(PUBLISH_BODY) === PUBLISH_BODY_FIXED_BYTES && end(MODULE_BODY) === MODULE_BODY_FIXED_BYTES, 'PUBLISH / MODULE body layout');
