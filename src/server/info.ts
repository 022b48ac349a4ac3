import type { InfoHost } from './info/host.js';
import { memorySection } from './info/memory-section.js';
import {
  clusterSection,
  commandStatsSection,
  cpuSection,
  errorStatsSection,
  keyspaceSection,
  replicationSection,
} from './info/other-sections.js';
import { persistenceSection, statsSection } from './info/persistence-stats-section.js';
import { formatSection, type InfoFields } from './info/section.js';
import { clientsSection, serverSection } from './info/server-section.js';

interface SectionDef {
  readonly name: string;
  readonly title: string;
  readonly inDefault: boolean;
  readonly fields: (host: InfoHost) => InfoFields;
}

/**
 * Redis 7.0's sections in its order. `modules` is in the default set and prints only its
 * header (no modules). Redis's `latencystats` (in `all`) is not produced: Tessera keeps no
 * latency histograms yet (docs/info-fields.md).
 */
const SECTIONS: readonly SectionDef[] = [
  { name: 'server', title: 'Server', inDefault: true, fields: serverSection },
  { name: 'clients', title: 'Clients', inDefault: true, fields: clientsSection },
  { name: 'memory', title: 'Memory', inDefault: true, fields: memorySection },
  { name: 'persistence', title: 'Persistence', inDefault: true, fields: persistenceSection },
  { name: 'stats', title: 'Stats', inDefault: true, fields: statsSection },
  { name: 'replication', title: 'Replication', inDefault: true, fields: replicationSection },
  { name: 'cpu', title: 'CPU', inDefault: true, fields: cpuSection },
  { name: 'modules', title: 'Modules', inDefault: true, fields: () => [] },
  { name: 'commandstats', title: 'Commandstats', inDefault: false, fields: commandStatsSection },
  { name: 'errorstats', title: 'Errorstats', inDefault: true, fields: errorStatsSection },
  { name: 'cluster', title: 'Cluster', inDefault: true, fields: clusterSection },
  { name: 'keyspace', title: 'Keyspace', inDefault: true, fields: keyspaceSection },
];

/**
 * INFO text, Redis 7.0's field names and order (tools like redis_exporter parse them).
 * `sections` are lowercase INFO arguments: none = `default`; `all` = every section;
 * `everything` = all plus module sections; unknown names add nothing. Sections are joined by
 * an empty line, as Redis does.
 */
export function renderInfo(host: InfoHost, sections: readonly string[]): string {
  const wanted = new Set(sections.length === 0 ? ['default'] : sections);
  const all = wanted.has('all') || wanted.has('everything');
  const defaults = wanted.has('default');
  const parts: string[] = [];
  for (const section of SECTIONS) {
    if (all || (defaults && section.inDefault) || wanted.has(section.name)) parts.push(formatSection(section.title, section.fields(host)));
  }
  return parts.join('\r\n');
}
