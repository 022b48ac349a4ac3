import type { MemoryResult } from './memory.js';
import { DATA_TYPE_TESTS, type BenchCase, type MemoryLoadName } from './plan.js';
import type { BenchmarkOutcome, BenchmarkRow } from './redis-benchmark.js';
import type { ServerKind } from './servers.js';

export interface RunRecord {
  round: number;
  outcome: BenchmarkOutcome;
  /** The machine's 1-minute load average when the run ended (the machine may be shared). */
  loadAverage1m?: number;
}

export interface CaseResult {
  benchCase: BenchCase;
  runs: Record<ServerKind, RunRecord[]>;
}

/** One server's figure for a case: the best round (highest ops/s) with that round's latencies. */
export type ServerSummary =
  | { status: 'ok'; best: BenchmarkRow; rounds: number }
  | { status: 'unsupported' | 'failed' | 'not run'; error: string };

export function summarize(runs: readonly RunRecord[]): ServerSummary {
  let best: BenchmarkRow | undefined;
  let okRounds = 0;
  for (const { outcome } of runs) {
    if (outcome.kind !== 'ok') continue;
    okRounds++;
    if (best === undefined || outcome.row.rps > best.rps) best = outcome.row;
  }
  if (best !== undefined) return { status: 'ok', best, rounds: okRounds };
  const unsupported = runs.find((run) => run.outcome.kind === 'unsupported');
  if (unsupported !== undefined && unsupported.outcome.kind === 'unsupported') return { status: 'unsupported', error: unsupported.outcome.error };
  const failed = runs.find((run) => run.outcome.kind === 'failed');
  if (failed !== undefined && failed.outcome.kind === 'failed') return { status: 'failed', error: failed.outcome.error };
  return { status: 'not run', error: 'no run' };
}

/** Labels that say more than the upper-cased test name. */
const LABELS = new Map<string, string>([
  ['mset', 'MSET (10 keys)'],
  ['zincrby', 'ZINCRBY (100k-member zset)'],
  ['zrevrange', 'ZREVRANGE 0 9 WITHSCORES'],
  ['xadd', 'XADD s * f v'],
]);

export function caseLabel(benchCase: BenchCase): string {
  const name = LABELS.get(benchCase.test) ?? benchCase.test.toUpperCase();
  return benchCase.valueBytes === 1024 ? `${name} 1KB` : name;
}

/** A Markdown table with padded columns: readable in a terminal, pastes into a README as is. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly boolean[] = []): string {
  const widths = headers.map((header, column) => Math.max(header.length, 3, ...rows.map((row) => (row[column] ?? '').length)));
  const pad = (text: string, column: number) => (rightAligned[column] === true ? text.padStart(widths[column] as number) : text.padEnd(widths[column] as number));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, column) => pad(cell, column)).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (rightAligned[column] === true ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  return [line(headers), rule, ...rows.map((row) => line(headers.map((_, column) => row[column] ?? '')))].join('\n');
}

export function formatOps(rps: number): string {
  return Math.round(rps).toLocaleString('en-US');
}

export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}x`;
}

function opsCell(summary: ServerSummary): string {
  return summary.status === 'ok' ? formatOps(summary.best.rps) : summary.status === 'unsupported' ? 'not supported' : summary.status;
}

function latencyCell(summary: ServerSummary, pick: (row: BenchmarkRow) => number): string {
  return summary.status === 'ok' ? pick(summary.best).toFixed(3) : '-';
}

/** tessera / redis ops/s, or undefined when either has no figure. */
export function throughputRatio(redis: ServerSummary, tessera: ServerSummary): number | undefined {
  return redis.status === 'ok' && tessera.status === 'ok' && redis.best.rps > 0 ? tessera.best.rps / redis.best.rps : undefined;
}

export function throughputTable(results: readonly CaseResult[]): string {
  const rows = results.map(({ benchCase, runs }) => {
    const redis = summarize(runs.redis);
    const tessera = summarize(runs.tessera);
    const ratio = throughputRatio(redis, tessera);
    return [
      caseLabel(benchCase),
      String(benchCase.pipeline),
      opsCell(redis),
      opsCell(tessera),
      ratio === undefined ? '-' : formatRatio(ratio),
      latencyCell(redis, (row) => row.p50LatencyMs),
      latencyCell(tessera, (row) => row.p50LatencyMs),
      latencyCell(redis, (row) => row.p99LatencyMs),
      latencyCell(tessera, (row) => row.p99LatencyMs),
    ];
  });
  const headers = ['test', '-P', 'redis ops/s', 'tessera ops/s', 'ratio', 'redis p50 ms', 'tessera p50 ms', 'redis p99 ms', 'tessera p99 ms'];
  return markdownTable(headers, rows, [false, true, true, true, true, true, true, true, true]);
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function memoryTable(memory: Partial<Record<ServerKind, MemoryResult>>, unit = 'key'): string {
  const rows: string[][] = [];
  for (const kind of ['redis', 'tessera'] as const) {
    const result = memory[kind];
    if (result === undefined) continue;
    rows.push([
      kind,
      formatOps(result.keys),
      megabytes(result.rssBeforeBytes),
      megabytes(result.rssAfterBytes),
      result.rssPerKeyBytes.toFixed(1),
      result.usedMemoryPerKeyBytes === null ? 'n/a (no INFO used_memory)' : result.usedMemoryPerKeyBytes.toFixed(1),
      `${(result.loadMs / 1000).toFixed(1)} s`,
    ]);
  }
  const ratio = memoryRatios(memory);
  rows.push(['tessera/redis', '', '', '', ratio.rss === undefined ? '-' : formatRatio(ratio.rss), ratio.usedMemory === undefined ? '-' : formatRatio(ratio.usedMemory), '']);
  const headers = ['server', `${unit}s`, 'RSS before', 'RSS after', `RSS bytes/${unit}`, `used_memory bytes/${unit}`, 'load time'];
  return markdownTable(headers, rows, [false, true, true, true, true, true, true]);
}

export function memoryRatios(memory: Partial<Record<ServerKind, MemoryResult>>): { rss?: number; usedMemory?: number } {
  const redis = memory.redis;
  const tessera = memory.tessera;
  if (redis === undefined || tessera === undefined) return {};
  const out: { rss?: number; usedMemory?: number } = {};
  if (redis.rssPerKeyBytes > 0) out.rss = tessera.rssPerKeyBytes / redis.rssPerKeyBytes;
  if (redis.usedMemoryPerKeyBytes !== null && tessera.usedMemoryPerKeyBytes !== null && redis.usedMemoryPerKeyBytes > 0) {
    out.usedMemory = tessera.usedMemoryPerKeyBytes / redis.usedMemoryPerKeyBytes;
  }
  return out;
}

export interface TargetResult {
  name: string;
  goal: string;
  measured: string;
  status: 'PASS' | 'FAIL' | 'N/A';
}

function caseSummaries(results: readonly CaseResult[], id: string): { redis: ServerSummary; tessera: ServerSummary } | undefined {
  const result = results.find((r) => r.benchCase.id === id);
  return result === undefined ? undefined : { redis: summarize(result.runs.redis), tessera: summarize(result.runs.tessera) };
}

function notAvailable(name: string, goal: string, why: string): TargetResult {
  return { name, goal, measured: why, status: 'N/A' };
}

function throughputTarget(results: readonly CaseResult[], id: string, name: string, minRatio: number): TargetResult {
  const goal = `tessera ops/s >= ${minRatio.toFixed(1)}x redis`;
  const summaries = caseSummaries(results, id);
  if (summaries === undefined) return notAvailable(name, goal, 'not run');
  const ratio = throughputRatio(summaries.redis, summaries.tessera);
  if (ratio === undefined) return notAvailable(name, goal, `redis ${summaries.redis.status}, tessera ${summaries.tessera.status}`);
  return { name, goal, measured: formatRatio(ratio), status: ratio >= minRatio ? 'PASS' : 'FAIL' };
}

function p99Target(results: readonly CaseResult[], id: string, name: string, maxRatio: number): TargetResult {
  const goal = `tessera p99 <= ${maxRatio.toFixed(1)}x redis p99`;
  const summaries = caseSummaries(results, id);
  if (summaries === undefined) return notAvailable(name, goal, 'not run');
  const { redis, tessera } = summaries;
  if (redis.status !== 'ok' || tessera.status !== 'ok') return notAvailable(name, goal, `redis ${redis.status}, tessera ${tessera.status}`);
  const ratio = tessera.best.p99LatencyMs / redis.best.p99LatencyMs;
  const measured = `${tessera.best.p99LatencyMs.toFixed(3)} / ${redis.best.p99LatencyMs.toFixed(3)} ms = ${formatRatio(ratio)}`;
  return { name, goal, measured, status: ratio <= maxRatio ? 'PASS' : 'FAIL' };
}

export type MemoryByServer = Partial<Record<ServerKind, MemoryResult>>;

function memoryTarget(name: string, memory: MemoryByServer, unit: string): TargetResult {
  const goal = `tessera RSS bytes/${unit} <= 1.5x redis`;
  const ratio = memoryRatios(memory).rss;
  if (ratio === undefined) return notAvailable(name, goal, 'not run');
  return { name, goal, measured: formatRatio(ratio), status: ratio <= 1.5 ? 'PASS' : 'FAIL' };
}

/**
 * The server-core targets, then the data-type ones (issue 3: each op >= 0.8x at -P 16, memory of
 * hashes and a big sorted set <= 1.5x), each PASS, FAIL, or N/A when not run or not supported.
 */
export function evaluateTargets(results: readonly CaseResult[], memory: MemoryByServer, dataTypeMemory: Partial<Record<MemoryLoadName, MemoryByServer>> = {}): TargetResult[] {
  const targets = [
    throughputTarget(results, 'get-p1', 'GET -P 1 throughput', 0.9),
    throughputTarget(results, 'set-p1', 'SET -P 1 throughput', 0.9),
    throughputTarget(results, 'get-p16', 'GET -P 16 throughput', 0.8),
    throughputTarget(results, 'set-p16', 'SET -P 16 throughput', 0.8),
    p99Target(results, 'set-p1-1kb', 'SET 1KB p99 latency', 2),
    p99Target(results, 'get-p1-1kb', 'GET 1KB p99 latency', 2),
  ];
  targets.push(memoryTarget('bytes per key', memory, 'key'));
  for (const test of DATA_TYPE_TESTS) {
    const label = LABELS.get(test) ?? test.toUpperCase();
    targets.push(throughputTarget(results, `${test}-p16`, `${label} -P 16`, 0.8));
  }
  targets.push(memoryTarget('hash (10 fields) bytes per key', dataTypeMemory['memory-hash'] ?? {}, 'key'));
  targets.push(memoryTarget('sorted set bytes per member', dataTypeMemory['memory-zset'] ?? {}, 'member'));
  return targets;
}

/** Issue 6: `redis-benchmark --cluster` SET and GET at -P 1 and -P 16, each >= 0.9x Redis's cluster. */
export function evaluateClusterTargets(clusterResults: readonly CaseResult[]): TargetResult[] {
  const targets: TargetResult[] = [];
  for (const pipeline of [1, 16]) {
    for (const test of ['set', 'get']) {
      targets.push(throughputTarget(clusterResults, `cluster-${test}-p${pipeline}`, `cluster ${test.toUpperCase()} -P ${pipeline} throughput`, 0.9));
    }
  }
  return targets;
}

export function targetsTable(targets: readonly TargetResult[]): string {
  return markdownTable(['target', 'goal', 'measured', 'result'], targets.map((t) => [t.name, t.goal, t.measured, t.status]));
}
