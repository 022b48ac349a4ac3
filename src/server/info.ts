import type { TesseraServer } from './server.js';

/**
 * INFO: sections and field names as Redis 7.0 prints them (tools and exporters parse them).
 * `sections` is lowercase; empty means the default set, `all`/`everything` every section.
 */
export function renderInfo(server: TesseraServer, sections: readonly string[]): string {
  const wanted = new Set(sections.length === 0 ? ['default'] : sections);
  const all = wanted.has('all') || wanted.has('everything');
  const isDefault = wanted.has('default') || all;
  const parts: string[] = [];
  const include = (name: string) => all || isDefault || wanted.has(name);
  if (include('server')) {
    const uptimeSec = Math.floor((server.clock.nowMs() - server.startedAtMs) / 1000);
    parts.push(
      section('Server', [
        ['redis_version', '7.0.15'],
        ['redis_mode', 'standalone'],
        ['os', `${process.platform} ${process.arch}`],
        ['arch_bits', '64'],
        ['process_id', String(process.pid)],
        ['run_id', server.runId],
        ['tcp_port', String(server.boundPort)],
        ['uptime_in_seconds', String(uptimeSec)],
        ['uptime_in_days', String(Math.floor(uptimeSec / 86400))],
        ['hz', server.config.value('hz')],
        ['executable', process.argv[1] ?? ''],
        ['config_file', server.config.configFile ?? ''],
      ]),
    );
  }
  if (include('keyspace')) {
    const lines: Array<[string, string]> = [];
    for (const db of server.keyspace.databases) {
      if (db.size > 0) lines.push([`db${db.id}`, `keys=${db.size},expires=${db.expiresCount},avg_ttl=0`]);
    }
    parts.push(section('Keyspace', lines));
  }
  return parts.join('\r\n');
}

function section(title: string, fields: Array<[string, string]>): string {
  let text = `# ${title}\r\n`;
  for (const [key, value] of fields) text += `${key}:${value}\r\n`;
  return text;
}
