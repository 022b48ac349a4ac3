/**
 * CLUSTER_NODE_* flags (Redis 7.0 src/cluster.h): one bit set per node, carried on the bus
 * (header flags, gossip entries) and printed by CLUSTER NODES / nodes.conf.
 */
export const NodeFlag = {
  master: 1 << 0,
  slave: 1 << 1,
  /** Possibly failing: this node's own view, from missing pongs. */
  pfail: 1 << 2,
  /** Failing: a majority of masters agreed. */
  fail: 1 << 3,
  myself: 1 << 4,
  /** Met but not yet answered with its real id. */
  handshake: 1 << 5,
  noaddr: 1 << 6,
  /** Send MEET rather than PING to this node. */
  meet: 1 << 7,
  /** A master eligible for replica migration. */
  migrateTo: 1 << 8,
  /** A replica that will not try to fail over. */
  nofailover: 1 << 9,
} as const;

/** redisNodeFlagsTable, in print order. MEET and MIGRATE_TO are never printed. */
const PRINTED_FLAGS: readonly (readonly [string, number])[] = [
  ['myself', NodeFlag.myself],
  ['master', NodeFlag.master],
  ['slave', NodeFlag.slave],
  ['fail?', NodeFlag.pfail],
  ['fail', NodeFlag.fail],
  ['handshake', NodeFlag.handshake],
  ['noaddr', NodeFlag.noaddr],
  ['nofailover', NodeFlag.nofailover],
];

/** representClusterNodeFlags: "myself,master", or "noflags" when none is printable. */
export function formatNodeFlags(nodeFlags: number): string {
  const names = PRINTED_FLAGS.filter(([, bit]) => (nodeFlags & bit) !== 0).map(([name]) => name);
  return names.length === 0 ? 'noflags' : names.join(',');
}

/** Flag names to bits, case-insensitive like clusterLoadConfig; null for an unknown name. */
export function parseNodeFlags(text: string): number | null {
  let flags = 0;
  for (const name of text.split(',')) {
    const lower = name.toLowerCase();
    if (lower === 'noflags') continue;
    const entry = PRINTED_FLAGS.find(([known]) => known === lower);
    if (entry === undefined) return null;
    flags |= entry[1];
  }
  return flags;
}
