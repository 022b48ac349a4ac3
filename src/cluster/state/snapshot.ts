/**
 * Reads the CLUSTER NODES / CLUSTER INFO snapshots of the bus fixtures (cluster-nodes-*.txt) and
 * builds the state a node had at that moment. For tests; pure (the caller reads the file).
 */
import { parseNodesConf } from '../nodes-conf.js';
import { defaultSettings, loadClusterState } from './create.js';
import type { ClusterSettings, ClusterState } from './types.js';

export interface NodeSnapshot {
  readonly port: number;
  readonly myId: string;
  readonly nodesText: string;
  readonly info: ReadonlyMap<string, string>;
}

/** One `# snapshot <name>` section per name; each holds one `## node` part per live node. */
export function parseSnapshots(text: string): Map<string, NodeSnapshot[]> {
  const out = new Map<string, NodeSnapshot[]>();
  let current: NodeSnapshot[] | null = null;
  let node: { port: number; myId: string; nodes: string[]; info: Map<string, string> } | null = null;
  let section = '';
  const flush = (): void => {
    if (node !== null && current !== null) {
      current.push({ port: node.port, myId: node.myId, nodesText: node.nodes.join('\n'), info: node.info });
    }
    node = null;
  };
  for (const line of text.split('\n')) {
    const snapshot = /^# snapshot (\S+)/.exec(line);
    if (snapshot !== null) {
      flush();
      current = [];
      out.set(snapshot[1]!, current);
      continue;
    }
    const header = /^## node [0-9.]+:(\d+) myid ([0-9a-f]{40})/.exec(line);
    if (header !== null) {
      flush();
      node = { port: Number(header[1]), myId: header[2]!, nodes: [], info: new Map() };
      continue;
    }
    if (line.startsWith('### ')) {
      section = line.slice(4);
      continue;
    }
    if (node === null || line.trim() === '') continue;
    if (section === 'CLUSTER NODES') (node as { nodes: string[] }).nodes.push(line);
    else {
      const colon = line.indexOf(':');
      if (colon > 0) (node as { info: Map<string, string> }).info.set(line.slice(0, colon), line.slice(colon + 1).trim());
    }
  }
  flush();
  return out;
}

/** The state of one node from its snapshot (currentEpoch and cluster_state from CLUSTER INFO). */
export function stateFromSnapshot(snapshot: NodeSnapshot, nowMs: number, settings?: Partial<ClusterSettings>): ClusterState {
  const currentEpoch = Number(snapshot.info.get('cluster_current_epoch') ?? '0');
  const conf = parseNodesConf(`${snapshot.nodesText}\nvars currentEpoch ${currentEpoch} lastVoteEpoch 0\n`);
  if (!conf.ok) throw new Error(`snapshot of ${snapshot.port}: ${conf.error}`);
  const loaded = loadClusterState(conf.value, { ...defaultSettings(snapshot.port), nodeTimeoutMs: 2000, ...settings }, nowMs);
  if (!loaded.ok) throw new Error(`snapshot of ${snapshot.port}: ${loaded.error}`);
  if (snapshot.info.get('cluster_state') === 'ok') loaded.state.runtime.health = 'ok';
  return loaded.state;
}

/** A state loaded from nodes.conf text (lines joined with \n), for tests; throws on bad input. */
export function stateFromNodesConf(text: string, nowMs: number, settings?: Partial<ClusterSettings>): ClusterState {
  const conf = parseNodesConf(text);
  if (!conf.ok) throw new Error(`nodes.conf: ${conf.error}`);
  const loaded = loadClusterState(conf.value, { ...defaultSettings(7000), ...settings }, nowMs);
  if (!loaded.ok) throw new Error(`nodes.conf: ${loaded.error}`);
  return loaded.state;
}
