// `npm run bench`: Tessera against redis-server, both as real processes on loopback, driven by
// redis-benchmark; then bytes per key. See bench/README.md for what is measured and how.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fillLeaderboard } from './leaderboard.js';
import { hashLoad, measureLoad, stringLoad, zsetLoad, type MemoryLoad, type MemoryResult } from './memory.js';
import { measureCluster } from './cluster.js';
import { CLUSTER_BENCH, LEADERBOARD_MEMBERS, MEMORY_LOADS, OptionsError, USAGE, benchCases, parseOptions, wants, type BenchOptions, type MemoryLoadName } from './plan.js';
import { runRedisBenchmark } from './redis-benchmark.js';
import { bgsaveTable, measureBgsave, measureSaveLoad, saveLoadTable, type BgsaveResult, type SaveLoadResult } from './persistence.js';
import { issue4Targets, runIssue4Benches, type Issue4Result } from './issue4-workloads.js';
import { caseLabel, evaluateClusterTargets, evaluateTargets, memoryTable, type MemoryByServer, targetsTable, throughputTable, summarize, type CaseResult, type RunRecord } from './report.js';
import { SERVER_KINDS, startBoth, stopAll, type BenchServer, type ServerKind } from './servers.js';

/** A run that takes longer than this is killed and reported as failed. */
const RUN_TIMEOUT_MS = 120_000;
/** Requests of the unrecorded warm-up per server (lets V8 optimise Tessera's hot path). */
const WARMUP_REQUESTS = 50_000;
const RESULTS_FILE = fileURLToPath(new URL('../../bench/results/latest.json', import.meta.url));

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function machine(): Record<string, string | number> {
  const cpuList = cpus();
  let redisVersion = 'unknown';
  try {
    redisVersion = execFileSync('redis-server', ['--version'], { encoding: 'latin1' }).trim();
  } catch {
    // reported as unknown
  }
  return {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
    node: process.version,
    redis: redisVersion,
  };
}

function memoryLoad(options: BenchOptions, name: MemoryLoadName): MemoryLoad {
  if (name === 'memory-hash') return hashLoad(options.memoryHashes);
  if (name === 'memory-zset') return zsetLoad(options.memoryZsetMembers);
  return stringLoad(options.memoryKeys, options.memoryValueBytes);
}

async function measureMemory(options: BenchOptions, servers: Map<ServerKind, BenchServer>, load: MemoryLoad): Promise<MemoryByServer> {
  const memory: MemoryByServer = {};
  for (const kind of SERVER_KINDS) {
    const server = servers.get(kind) as BenchServer;
    log(`${load.name}: loading ${load.description} into ${kind}...`);
    memory[kind] = await measureLoad(server, load, options.memoryValueBytes);
    log(`${load.name}: ${kind} ${(memory[kind] as MemoryResult).rssPerKeyBytes.toFixed(1)} RSS bytes/${load.unit}`);
  }
  return memory;
}

async function warmUp(servers: Map<ServerKind, BenchServer>, options: BenchOptions): Promise<void> {
  const requests = options.quick ? WARMUP_REQUESTS / 10 : WARMUP_REQUESTS;
  for (const server of servers.values()) {
    for (const test of ['ping_mbulk', 'set', 'get']) {
      await runRedisBenchmark({ port: server.port, test, requests, clients: options.clients, pipeline: 1, keyspaceSize: options.keyspaceSize, valueBytes: 3 }, RUN_TIMEOUT_MS);
    }
  }
}

async function measureThroughput(options: BenchOptions, servers: Map<ServerKind, BenchServer>): Promise<CaseResult[]> {
  const cases = benchCases(options);
  const results: CaseResult[] = [];
  let leaderboardFilled = false;
  const totalRuns = cases.length * options.rounds * SERVER_KINDS.length;
  let runIndex = 0;
  for (const benchCase of cases) {
    const result: CaseResult = { benchCase, runs: { redis: [], tessera: [] } };
    results.push(result);
    if (benchCase.setup === 'leaderboard' && !leaderboardFilled) {
      log(`filling the leaderboard (${LEADERBOARD_MEMBERS.toLocaleString('en-US')} members) on both servers...`);
      for (const server of servers.values()) await fillLeaderboard(server.port, LEADERBOARD_MEMBERS);
      leaderboardFilled = true;
    }
    // Interleaved: redis, tessera, redis, tessera... so drift in machine load hits both alike.
    for (let round = 1; round <= options.rounds; round++) {
      for (const kind of SERVER_KINDS) {
        runIndex++;
        const runs: RunRecord[] = result.runs[kind];
        if (runs.some((run) => run.outcome.kind === 'unsupported')) continue; // no use asking again
        const server = servers.get(kind) as BenchServer;
        const outcome = await runRedisBenchmark(
          { port: server.port, test: benchCase.test, requests: benchCase.requests, clients: options.clients, pipeline: benchCase.pipeline, keyspaceSize: options.keyspaceSize, valueBytes: benchCase.valueBytes, ...(benchCase.command === undefined ? {} : { command: benchCase.command }) },
          RUN_TIMEOUT_MS,
        );
        runs.push({ round, outcome, loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)) });
        const what = outcome.kind === 'ok' ? `${Math.round(outcome.row.rps).toLocaleString('en-US')} ops/s in ${(outcome.elapsedMs / 1000).toFixed(1)} s` : `${outcome.kind}: ${outcome.error}`;
        log(`[${String(runIndex).padStart(2)}/${totalRuns}] ${caseLabel(benchCase)} -P ${benchCase.pipeline} ${kind} round ${round}: ${what}`);
      }
    }
  }
  return results;
}

function notes(results: readonly CaseResult[]): string[] {
  const lines: string[] = [];
  for (const { benchCase, runs } of results) {
    for (const kind of SERVER_KINDS) {
      const summary = summarize(runs[kind]);
      if (summary.status !== 'ok') lines.push(`- ${caseLabel(benchCase)} -P ${benchCase.pipeline} on ${kind}: ${summary.status} (${summary.error})`);
    }
  }
  return lines;
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    return 2;
  }
  const startedAt = new Date();
  const startedMs = performance.now();
  const env = machine();
  log(`bench: ${options.quick ? 'quick, ' : ''}${options.rounds} round(s), -c ${options.clients} -r ${options.keyspaceSize}, ${env.cpus} cpus, load ${env.loadAverage1m}`);

  let servers = new Map<ServerKind, BenchServer>();
  const stopOnSignal = () => {
    void stopAll(servers).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  const memory: Partial<Record<MemoryLoadName, MemoryByServer>> = {};
  let results: CaseResult[] = [];
  let clusterResults: CaseResult[] = [];
  let issue4: Issue4Result[] = [];
  try {
    // Memory first, on fresh processes; throughput on a second fresh pair (its random keys
    // and 1 KB values would otherwise weigh on the memory figures and the other way round).
    for (const name of MEMORY_LOADS) {
      if (!wants(options, name)) continue;
      servers = await startBoth();
      memory[name] = await measureMemory(options, servers, memoryLoad(options, name));
      await stopAll(servers);
    }
    if (benchCases(options).length > 0) {
      servers = await startBoth();
      log('warm-up (not recorded)...');
      await warmUp(servers, options);
      results = await measureThroughput(options, servers);
      await stopAll(servers);
    }
    // Six processes and two cluster creations: only when asked for by name.
    if (options.only.includes(CLUSTER_BENCH)) clusterResults = await measureCluster(options, log);
    // Issue 4's workloads start their own servers (the cache one with maxmemory).
    issue4 = await runIssue4Benches(options, (name) => wants(options, name), log);
  } finally {
    await stopAll(servers);
  }
  // Persistence last: each case starts its own processes in its own directory.
  const saveLoad: Partial<Record<ServerKind, SaveLoadResult>> = {};
  const bgsave: Partial<Record<ServerKind, BgsaveResult>> = {};
  if (wants(options, 'save') || wants(options, 'load')) {
    for (const kind of SERVER_KINDS) saveLoad[kind] = await measureSaveLoad(kind, options.persistenceKeys, log);
  }
  if (wants(options, 'bgsave')) {
    for (const kind of SERVER_KINDS) bgsave[kind] = await measureBgsave(kind, options.persistenceKeys, log);
  }
  const elapsedS = (performance.now() - startedMs) / 1000;

  const targets = evaluateTargets(results, memory.memory ?? {}, memory);
  const clusterTargets = clusterResults.length > 0 ? evaluateClusterTargets(clusterResults) : [];
  const out: string[] = [];
  out.push(`Tessera vs redis-server, ${startedAt.toISOString()}, ${env.cpus} cpus (${env.cpuModel}), load average at start ${env.loadAverage1m}`);
  out.push(`${env.redis}; node ${env.node}; redis-benchmark -c ${options.clients} -r ${options.keyspaceSize}; best of ${options.rounds} interleaved round(s) per server (the round with the highest ops/s, latencies from that round)${options.quick ? '; QUICK run' : ''}`);
  if (results.length > 0) out.push('', throughputTable(results));
  if (clusterResults.length > 0) {
    out.push('', `redis-benchmark --cluster against 3 masters each (Tessera cluster vs redis-server cluster), target >= 0.9x:`, '', throughputTable(clusterResults));
  }
  const noteLines = notes([...results, ...clusterResults]);
  if (noteLines.length > 0) out.push('', ...noteLines);
  for (const name of MEMORY_LOADS) {
    const byServer = memory[name];
    if (byServer === undefined) continue;
    const load = memoryLoad(options, name);
    out.push('', `Bytes per ${load.unit} (${name}): ${load.description}, (after - before) / ${load.unit}s, fresh servers, RSS from /proc/<pid>/status, no forced GC`, '', memoryTable(byServer, load.unit));
  }
  if (Object.keys(saveLoad).length > 0) {
    out.push('', `SAVE and load of ${options.persistenceKeys.toLocaleString('en-US')} mixed keys (60% strings, 10% each hash, list, set, zset of 5 elements; 3% with a TTL); load time as each server logs it`, '', saveLoadTable(saveLoad));
  }
  if (Object.keys(bgsave).length > 0) {
    out.push('', `BGSAVE under load: one client pipelining SETs (${32} in flight) over random existing and new keys during the BGSAVE; in parentheses the second before it`, '', bgsaveTable(bgsave));
  }
  for (const result of issue4) out.push('', ...result.lines);
  // A run of only the cluster or issue 4 cases would print every single-node target as N/A.
  if (targets.some((target) => target.status !== 'N/A')) out.push('', targetsTable(targets));
  if (clusterTargets.length > 0) out.push('', 'Cluster targets (issue 6):', '', targetsTable(clusterTargets));
  if (issue4.length > 0) out.push('', 'Issue 4 targets:', ...issue4Targets(issue4));
  out.push('', `total time ${elapsedS.toFixed(0)} s`);
  console.log(out.join('\n'));

  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify({ startedAt: startedAt.toISOString(), elapsedS, machine: env, options, throughput: results, cluster: clusterResults, memory, saveLoad, bgsave, targets, clusterTargets, issue4 }, null, 2)}\n`);
  log(`raw results: ${RESULTS_FILE}`);
  return 0;
}

process.exitCode = await main();
