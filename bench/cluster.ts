// `npm run bench -- --only cluster`: redis-benchmark --cluster SET/GET at -P 1 and -P 16 against a
// 3-master Tessera cluster and a 3-master redis-server cluster, started and created in one run
// (redis-cli --cluster create), measured interleaved like the single-node cases.
import { loadavg } from 'node:os';
import { clusterView, nodeCommand, redisCli, startClusterNodes, waitFor, type ClusterNodeKind, type ClusterNodeProcess } from '../test/support/cluster-processes.js';
import type { BenchCase, BenchOptions } from './plan.js';
import { runRedisBenchmark } from './redis-benchmark.js';
import type { CaseResult, RunRecord } from './report.js';
import { SERVER_KINDS } from './servers.js';

const MASTERS = 3;
const CREATE_TIMEOUT_MS = 60_000;
const CONVERGE_TIMEOUT_MS = 30_000;
const RUN_TIMEOUT_MS = 120_000;
/**
 * Requests per run: ~8 s per run at the rates three masters on two shared cores reach.
 * redis-benchmark --cluster ends a run on a 250 ms tick (every run's elapsed time is a multiple
 * of ~0.25 s: 600k at -P 16 read as exactly 598k or 798k ops/s), so a short run quantizes the
 * rate: at ~8 s the step is ~3%.
 */
const REQUESTS = { p1: 800_000, p16: 6_000_000 };
const QUICK_DIVISOR = 10;
/** Requests of the warm-up per cluster and test (spread over the three masters). */
const WARMUP_REQUESTS = 150_000;

/** The cluster cases in run order (SET first so GET finds keys). */
export function clusterBenchCases(options: BenchOptions): BenchCase[] {
  const scale = (requests: number) => Math.max(1000, Math.round(options.quick ? requests / QUICK_DIVISOR : requests));
  const cases: BenchCase[] = [];
  for (const pipeline of [1, 16]) {
    for (const test of ['set', 'get'] as const) {
      cases.push({ id: `cluster-${test}-p${pipeline}`, test, pipeline, valueBytes: 3, requests: scale(pipeline === 1 ? REQUESTS.p1 : REQUESTS.p16) });
    }
  }
  return cases;
}

/** Starts `MASTERS` nodes of a kind and makes them one cluster with every slot covered. */
async function startCluster(kind: ClusterNodeKind, log: (message: string) => void): Promise<ClusterNodeProcess[]> {
  log(`cluster: starting ${MASTERS} ${kind} nodes...`);
  const nodes = await startClusterNodes(kind, MASTERS);
  try {
    const created = await redisCli(['--cluster', 'create', ...nodes.map((node) => node.address), '--cluster-replicas', '0', '--cluster-yes'], CREATE_TIMEOUT_MS);
    if (created.status !== 0) throw new Error(`redis-cli --cluster create (${kind}) failed:\n${created.stdout}\n${created.stderr}`);
    await waitFor(
      async () => {
        const infos = await Promise.all(nodes.map((node) => nodeCommand(node, 'CLUSTER', 'INFO')));
        return infos.every((info) => info.includes('cluster_state:ok')) ? true : undefined;
      },
      CONVERGE_TIMEOUT_MS,
      async () => `${kind} cluster not ok:\n${(await clusterView(nodes[0]!)).join('\n')}`,
    );
    return nodes;
  } catch (error) {
    await Promise.all(nodes.map((node) => node.destroy()));
    throw error;
  }
}

export async function measureCluster(options: BenchOptions, log: (message: string) => void): Promise<CaseResult[]> {
  const clusters = new Map<ClusterNodeKind, ClusterNodeProcess[]>();
  try {
    for (const kind of SERVER_KINDS) clusters.set(kind, await startCluster(kind, log));
    // Unrecorded warm-up on every master of both clusters (V8 optimises Tessera's hot path).
    log('cluster: warm-up (not recorded)...');
    for (const kind of SERVER_KINDS) {
      for (const test of ['set', 'get']) {
        const entry = clusters.get(kind)![0]!;
        await runRedisBenchmark(
          { port: entry.port, test, requests: options.quick ? WARMUP_REQUESTS / QUICK_DIVISOR : WARMUP_REQUESTS, clients: options.clients, pipeline: 1, keyspaceSize: options.keyspaceSize, valueBytes: 3, cluster: true },
          RUN_TIMEOUT_MS,
        );
      }
    }
    const cases = clusterBenchCases(options);
    const results: CaseResult[] = [];
    const total = cases.length * options.rounds * SERVER_KINDS.length;
    let index = 0;
    for (const benchCase of cases) {
      const result: CaseResult = { benchCase, runs: { redis: [], tessera: [] } };
      results.push(result);
      for (let round = 1; round <= options.rounds; round++) {
        for (const kind of SERVER_KINDS) {
          index++;
          const entry = clusters.get(kind)![0]!;
          const outcome = await runRedisBenchmark(
            { port: entry.port, test: benchCase.test, requests: benchCase.requests, clients: options.clients, pipeline: benchCase.pipeline, keyspaceSize: options.keyspaceSize, valueBytes: 3, cluster: true },
            RUN_TIMEOUT_MS,
          );
          const record: RunRecord = { round, outcome, loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)) };
          result.runs[kind].push(record);
          const what = outcome.kind === 'ok' ? `${Math.round(outcome.row.rps).toLocaleString('en-US')} ops/s` : `${outcome.kind}: ${outcome.error}`;
          log(`[${String(index).padStart(2)}/${total}] cluster ${benchCase.test.toUpperCase()} -P ${benchCase.pipeline} ${kind} round ${round}: ${what}`);
        }
      }
    }
    return results;
  } finally {
    for (const nodes of clusters.values()) await Promise.all(nodes.map((node) => node.destroy()));
  }
}
