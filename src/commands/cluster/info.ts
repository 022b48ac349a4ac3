/** CLUSTER INFO and COUNT-FAILURE-REPORTS (Redis 7.0 clusterCommand). */
import { MESSAGE_TYPE_STAT_NAMES } from '../../cluster/bus/constants.js';
import { NodeFlag } from '../../cluster/node-flags.js';
import { SLOT_COUNT } from '../../lib/hash-slot.js';
import { ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { clusterOf, lookupNode } from './cluster-access.js';

/** Failure reports are valid for twice the node timeout (CLUSTER_FAIL_REPORT_VALIDITY_MULT). */
const FAIL_REPORT_VALIDITY_MULT = 2;

function info(ctx: CommandContext): void {
  const cluster = clusterOf(ctx);
  const { config, runtime } = cluster.state;
  let assigned = 0;
  let ok = 0;
  let pfail = 0;
  let fail = 0;
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    const owner = config.slotOwners[slot];
    if (owner === null || owner === undefined) continue;
    assigned++;
    const flags = config.nodes.get(owner)?.flags ?? 0;
    if ((flags & NodeFlag.fail) !== 0) fail++;
    else if ((flags & NodeFlag.pfail) !== 0) pfail++;
    else ok++;
  }
  const me = config.nodes.get(config.myselfId);
  const master = me !== undefined && (me.flags & NodeFlag.slave) !== 0 && me.masterId !== null ? config.nodes.get(me.masterId) : undefined;
  const myEpoch = (master ?? me)?.configEpoch ?? 0;
  const lines = [
    `cluster_state:${runtime.health}`,
    `cluster_slots_assigned:${assigned}`,
    `cluster_slots_ok:${ok}`,
    `cluster_slots_pfail:${pfail}`,
    `cluster_slots_fail:${fail}`,
    `cluster_known_nodes:${config.nodes.size}`,
    `cluster_size:${runtime.size}`,
    `cluster_current_epoch:${config.currentEpoch}`,
    `cluster_my_epoch:${myEpoch}`,
  ];
  for (const [direction, counts] of [
    ['sent', cluster.messagesSentByType],
    ['received', cluster.messagesReceivedByType],
  ] as const) {
    let total = 0;
    counts.forEach((count, type) => {
      if (count === 0) return;
      total += count;
      lines.push(`cluster_stats_messages_${MESSAGE_TYPE_STAT_NAMES[type]}_${direction}:${count}`);
    });
    lines.push(`cluster_stats_messages_${direction}:${total}`);
  }
  lines.push(`total_cluster_links_buffer_limit_exceeded:${cluster.linksOverSendLimit}`);
  ctx.reply.verbatim(lines.map((line) => `${line}\r\n`).join(''));
}

/** clusterNodeFailureReportsCount: reports older than twice the node timeout no longer count. */
function countFailureReports(ctx: CommandContext, argv: string[]): void {
  const state = clusterOf(ctx).state;
  const id = argv[2] as string;
  const node = lookupNode(state, id);
  if (node === undefined) throw new ReplyError(`ERR Unknown node ${id}`);
  const reports = state.runtime.nodes.get(node.id)?.failReports;
  const oldestValidMs = ctx.nowMs - state.settings.nodeTimeoutMs * FAIL_REPORT_VALIDITY_MULT;
  let count = 0;
  for (const atMs of reports?.values() ?? []) if (atMs >= oldestValidMs) count++;
  ctx.reply.integer(count);
}

export const infoSubcommands: readonly CommandDefinition[] = [
  { name: 'info', handler: info },
  { name: 'count-failure-reports', handler: countFailureReports },
];
