/** CLUSTER INFO and COUNT-FAILURE-REPORTS (Redis 7.0 clusterCommand). */
import { clusterInfoLines } from '../../cluster/state/views.js';
import { ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { clusterOf, lookupNode } from './cluster-access.js';

/** Failure reports are valid for twice the node timeout (CLUSTER_FAIL_REPORT_VALIDITY_MULT). */
const FAIL_REPORT_VALIDITY_MULT = 2;

const BUFFER_LIMIT_FIELD = 'total_cluster_links_buffer_limit_exceeded:';

function info(ctx: CommandContext): void {
  const cluster = clusterOf(ctx);
  // The bus, not the state machine, knows which links passed their send buffer limit.
  const lines = clusterInfoLines(cluster.state).map((line) =>
    line.startsWith(BUFFER_LIMIT_FIELD) ? `${BUFFER_LIMIT_FIELD}${cluster.linksOverSendLimit}` : line,
  );
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
