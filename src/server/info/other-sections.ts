import type { Command } from '../../commands/table.js';
import { configOr, type InfoHost } from './host.js';
import type { InfoFields } from './section.js';

/** A primary without replicas: Redis's values, with this node's replication id. */
export function replicationSection(host: InfoHost): InfoFields {
  return [
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', host.replicationId],
    ['master_replid2', '0'.repeat(40)],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', configOr(host, 'repl-backlog-size', '1048576')],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ];
}

/** `%ld.%06ld` seconds from microseconds. */
function seconds6(micros: number): string {
  return `${Math.floor(micros / 1e6)}.${String(Math.floor(micros % 1e6)).padStart(6, '0')}`;
}

/**
 * process.cpuUsage() covers every thread of the process; Node has no per-thread figure, so the
 * main-thread fields repeat it (libuv's worker threads are mostly idle in Tessera).
 */
export function cpuSection(): InfoFields {
  const usage = process.cpuUsage();
  return [
    ['used_cpu_sys', seconds6(usage.system)],
    ['used_cpu_user', seconds6(usage.user)],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', seconds6(usage.system)],
    ['used_cpu_user_main_thread', seconds6(usage.user)],
  ];
}

function commandStatLine(command: Command): [string, string] | undefined {
  const stats = command.stats;
  if (stats.calls === 0 && stats.failedCalls === 0 && stats.rejectedCalls === 0) return undefined;
  const usec = Math.round(stats.usec);
  const perCall = stats.calls === 0 ? 0 : stats.usec / stats.calls;
  return [
    `cmdstat_${command.spec.fullName}`,
    `calls=${stats.calls},usec=${usec},usec_per_call=${perCall.toFixed(2)},rejected_calls=${stats.rejectedCalls},failed_calls=${stats.failedCalls}`,
  ];
}

/** Every command and subcommand that ran or was refused (cmdstat_config|get for subcommands). */
export function commandStatsSection(host: InfoHost): InfoFields {
  const fields: InfoFields = [];
  for (const command of host.commands.all()) {
    const line = commandStatLine(command);
    if (line !== undefined) fields.push(line);
    if (command.subcommands === undefined) continue;
    for (const sub of command.subcommands.values()) {
      const subLine = commandStatLine(sub);
      if (subLine !== undefined) fields.push(subLine);
    }
  }
  return fields;
}

/** Error codes in byte order, like Redis's rax. */
export function errorStatsSection(host: InfoHost): InfoFields {
  const codes = [...host.stats.errorCounts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return codes.map((code) => [`errorstat_${code}`, `count=${host.stats.errorCounts.get(code) ?? 0}`]);
}

export function clusterSection(host: InfoHost): InfoFields {
  return [['cluster_enabled', configOr(host, 'cluster-enabled', 'no') === 'yes' ? 1 : 0]];
}

/** avg_ttl is Redis's estimate from active-expiry sampling; Tessera reports 0 (not sampled). */
export function keyspaceSection(host: InfoHost): InfoFields {
  const fields: InfoFields = [];
  for (const db of host.keyspace.databases) {
    if (db.size > 0) fields.push([`db${db.id}`, `keys=${db.size},expires=${db.expiresCount},avg_ttl=0`]);
  }
  return fields;
}
