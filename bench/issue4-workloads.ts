// Issue 4's benchmarks (`npm run bench -- --only evalsha,publish-fanout,cache-lru`), each run
// on redis-server and Tessera in turn (real processes on loopback): EVALSHA of a small script,
// PUBLISH fanned out to 100 subscribers, and a SET-random-keys cache at maxmemory (allkeys-lru).
import { connect, type Socket } from 'node:net';
import { loadavg } from 'node:os';
import { startRedisServer } from '../test/support/redis-server-process.js';
import { startTesseraProcess } from '../test/support/tessera.js';
import { PipelineClient } from './pipeline-client.js';
import type { BenchOptions, ISSUE4_NAMES } from './plan.js';
import { runRedisBenchmark, type BenchmarkOutcome } from './redis-benchmark.js';
import { readRssBytes, SERVER_KINDS, type BenchServer, type ServerKind } from './servers.js';

export type Issue4Bench = (typeof ISSUE4_NAMES)[number];

const RUN_TIMEOUT_MS = 180_000;
const EVALSHA_SCRIPT = "return redis.call('incr', KEYS[1])";
const EVALSHA_REQUESTS = 200_000;
const SUBSCRIBERS = 100;
const CHANNEL = 'fanout';
const PAYLOAD = 'x'.repeat(16);
/** PUBLISH requests in flight on the publisher connection. */
const PUBLISH_WINDOW = 32;
const PUBLISH_SECONDS = 5;
/** How long subscribers may take to drain after publishing stopped. */
const DRAIN_TIMEOUT_MS = 30_000;
const CACHE_MAXMEMORY_MB = 100;
const CACHE_REQUESTS = 1_500_000;
const CACHE_VALUE_BYTES = 100;
const CACHE_KEYSPACE = 10_000_000;
const RSS_SAMPLE_MS = 500;

export interface Issue4Result {
  name: Issue4Bench;
  unit: string;
  /** ops/s (or deliveries/s) per server: best of the rounds. */
  best: Record<ServerKind, number | null>;
  runs: Record<ServerKind, number[]>;
  detail: Record<string, unknown>;
  lines: string[];
}

async function start(kind: ServerKind, args: string[] = []): Promise<BenchServer> {
  const running = kind === 'redis' ? await startRedisServer(args) : await startTesseraProcess(['--save', '', '--appendonly', 'no', ...args]);
  const pid = running.process.pid;
  if (pid === undefined) throw new Error(`${kind} started without a pid`);
  return { kind, port: running.port, pid, stop: running.stop };
}

function ratioText(best: Record<ServerKind, number | null>): string {
  const { redis, tessera } = best;
  if (redis === null || tessera === null || redis === 0) return 'n/a';
  return `${(tessera / redis).toFixed(2)}x`;
}

function fmt(n: number | null): string {
  return n === null ? 'failed' : Math.round(n).toLocaleString('en-US');
}

function bestOf(values: number[]): number | null {
  return values.length === 0 ? null : Math.max(...values);
}

async function evalsha(options: BenchOptions, log: (line: string) => void): Promise<Issue4Result> {
  const servers = new Map<ServerKind, BenchServer>();
  const runs: Record<ServerKind, number[]> = { redis: [], tessera: [] };
  const requests = options.quick ? EVALSHA_REQUESTS / 10 : EVALSHA_REQUESTS;
  try {
    for (const kind of SERVER_KINDS) servers.set(kind, await start(kind));
    let sha = '';
    for (const server of servers.values()) {
      const client = await PipelineClient.connect(server.port);
      const reply = await client.call('SCRIPT', 'LOAD', EVALSHA_SCRIPT);
      client.close();
      if (reply.type !== 'bulk') throw new Error(`SCRIPT LOAD on ${server.kind}: ${JSON.stringify(reply)}`);
      sha = reply.value;
      // Warm-up (not recorded): V8 optimises the script path.
      await runRedisBenchmark({ port: server.port, test: 'evalsha', requests: requests / 4, clients: options.clients, pipeline: 1, keyspaceSize: options.keyspaceSize, valueBytes: 3, command: ['EVALSHA', sha, '1', 'counter:__rand_int__'] }, RUN_TIMEOUT_MS);
    }
    for (let round = 1; round <= options.rounds; round++) {
      for (const kind of SERVER_KINDS) {
        const server = servers.get(kind) as BenchServer;
        const outcome: BenchmarkOutcome = await runRedisBenchmark(
          { port: server.port, test: 'evalsha', requests, clients: options.clients, pipeline: 1, keyspaceSize: options.keyspaceSize, valueBytes: 3, command: ['EVALSHA', sha, '1', 'counter:__rand_int__'] },
          RUN_TIMEOUT_MS,
        );
        if (outcome.kind === 'ok') runs[kind].push(outcome.row.rps);
        log(`evalsha ${kind} round ${round}: ${outcome.kind === 'ok' ? `${fmt(outcome.row.rps)} ops/s, p50 ${outcome.row.p50LatencyMs} ms` : `${outcome.kind}: ${outcome.error}`} (load ${loadavg()[0]?.toFixed(2)})`);
      }
    }
  } finally {
    for (const server of servers.values()) await server.stop();
  }
  const best = { redis: bestOf(runs.redis), tessera: bestOf(runs.tessera) };
  return {
    name: 'evalsha',
    unit: 'ops/s',
    best,
    runs,
    detail: { script: EVALSHA_SCRIPT, requests, clients: options.clients },
    lines: [`EVALSHA "${EVALSHA_SCRIPT}" 1 counter:<rand>, -c ${options.clients}, ${requests.toLocaleString('en-US')} requests: redis ${fmt(best.redis)} ops/s, tessera ${fmt(best.tessera)} ops/s, ratio ${ratioText(best)}`],
  };
}

/** A raw connection that counts bytes received after its subscription was confirmed. */
class Subscriber {
  readonly socket: Socket;
  received = 0;
  #confirmed = false;
  #onConfirmed: (() => void) | undefined;
  #pending = '';

  constructor(port: number) {
    this.socket = connect({ port, host: '127.0.0.1' });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => {
      if (this.#confirmed) {
        this.received += chunk.length;
        return;
      }
      this.#pending += chunk.toString('latin1');
      const end = this.#pending.indexOf(':1\r\n');
      if (end < 0) return;
      this.#confirmed = true;
      this.received += this.#pending.length - (end + 4);
      this.#onConfirmed?.();
    });
    this.socket.on('error', () => undefined);
  }

  subscribe(): Promise<void> {
    return new Promise((resolve) => {
      this.#onConfirmed = resolve;
      this.socket.write(`*2\r\n$9\r\nSUBSCRIBE\r\n$${CHANNEL.length}\r\n${CHANNEL}\r\n`);
    });
  }
}

/** One fan-out measurement: publish for a while, wait until every subscriber got everything. */
async function fanoutOnce(port: number, seconds: number): Promise<{ deliveriesPerSecond: number; published: number }> {
  const subscribers = Array.from({ length: SUBSCRIBERS }, () => new Subscriber(port));
  try {
    await Promise.all(subscribers.map((s) => s.subscribe()));
    const frame = `*3\r\n$7\r\nmessage\r\n$${CHANNEL.length}\r\n${CHANNEL}\r\n$${PAYLOAD.length}\r\n${PAYLOAD}\r\n`;
    const request = `*3\r\n$7\r\nPUBLISH\r\n$${CHANNEL.length}\r\n${CHANNEL}\r\n$${PAYLOAD.length}\r\n${PAYLOAD}\r\n`;
    const replyBytes = `:${SUBSCRIBERS}\r\n`.length;
    const publisher = connect({ port, host: '127.0.0.1' });
    publisher.setNoDelay(true);
    await new Promise<void>((resolve) => publisher.once('connect', () => resolve()));
    let sent = 0;
    let answered = 0;
    let replyBuffered = 0;
    let publishing = true;
    const startedMs = performance.now();
    const done = new Promise<void>((resolve) => {
      publisher.on('data', (chunk: Buffer) => {
        replyBuffered += chunk.length;
        const replies = Math.floor(replyBuffered / replyBytes);
        replyBuffered -= replies * replyBytes;
        answered += replies;
        if (publishing && performance.now() - startedMs > seconds * 1000) publishing = false;
        if (publishing) {
          const more = PUBLISH_WINDOW - (sent - answered);
          if (more > 0) {
            publisher.write(request.repeat(more));
            sent += more;
          }
        } else if (answered === sent) {
          resolve();
        }
      });
    });
    publisher.write(request.repeat(PUBLISH_WINDOW));
    sent = PUBLISH_WINDOW;
    await done;
    publisher.destroy();
    const expectedBytes = sent * frame.length;
    const drainStartedMs = performance.now();
    while (subscribers.some((s) => s.received < expectedBytes) && performance.now() - drainStartedMs < DRAIN_TIMEOUT_MS) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const elapsedS = (performance.now() - startedMs) / 1000;
    const delivered = subscribers.reduce((sum, s) => sum + Math.floor(s.received / frame.length), 0);
    return { deliveriesPerSecond: delivered / elapsedS, published: sent };
  } finally {
    for (const s of subscribers) s.socket.destroy();
  }
}

async function publishFanout(options: BenchOptions, log: (line: string) => void): Promise<Issue4Result> {
  const servers = new Map<ServerKind, BenchServer>();
  const runs: Record<ServerKind, number[]> = { redis: [], tessera: [] };
  const seconds = options.quick ? 1 : PUBLISH_SECONDS;
  try {
    for (const kind of SERVER_KINDS) servers.set(kind, await start(kind));
    for (const server of servers.values()) await fanoutOnce(server.port, 1); // warm-up
    for (let round = 1; round <= options.rounds; round++) {
      for (const kind of SERVER_KINDS) {
        const server = servers.get(kind) as BenchServer;
        const { deliveriesPerSecond, published } = await fanoutOnce(server.port, seconds);
        runs[kind].push(deliveriesPerSecond);
        log(`publish-fanout ${kind} round ${round}: ${fmt(deliveriesPerSecond)} deliveries/s (${published.toLocaleString('en-US')} messages x ${SUBSCRIBERS}) (load ${loadavg()[0]?.toFixed(2)})`);
      }
    }
  } finally {
    for (const server of servers.values()) await server.stop();
  }
  const best = { redis: bestOf(runs.redis), tessera: bestOf(runs.tessera) };
  return {
    name: 'publish-fanout',
    unit: 'deliveries/s',
    best,
    runs,
    detail: { subscribers: SUBSCRIBERS, payloadBytes: PAYLOAD.length, window: PUBLISH_WINDOW, seconds },
    lines: [
      `PUBLISH to ${SUBSCRIBERS} subscribers (${PAYLOAD.length}-byte payload, ${PUBLISH_WINDOW} PUBLISH in flight, ${seconds} s, until all delivered): redis ${fmt(best.redis)} deliveries/s, tessera ${fmt(best.tessera)} deliveries/s, ratio ${ratioText(best)}`,
    ],
  };
}

async function infoField(port: number, section: string, field: string): Promise<number> {
  const client = await PipelineClient.connect(port);
  try {
    const reply = await client.call('INFO', section);
    if (reply.type !== 'bulk') return NaN;
    const match = new RegExp(`^${field}(\\d+)`, 'm').exec(reply.value);
    return match === null ? NaN : Number(match[1]);
  } finally {
    client.close();
  }
}

interface CacheRound {
  rps: number | null;
  startRssBytes: number;
  peakRssBytes: number;
  usedMemoryBytes: number;
  evictedKeys: number;
  keys: number;
  samples: Array<{ atMs: number; rssBytes: number }>;
  outcome: BenchmarkOutcome;
  lines: string[];
}

/** One cache run on a fresh server (each round starts empty: the fill, then the evictions). */
async function cacheRound(kind: ServerKind, round: number, maxmemoryMb: number, requests: number, options: BenchOptions, log: (line: string) => void): Promise<CacheRound> {
  const maxmemoryBytes = maxmemoryMb * 1024 * 1024;
  const server = await start(kind, ['--maxmemory', `${maxmemoryMb}mb`, '--maxmemory-policy', 'allkeys-lru']);
  try {
    const startRss = readRssBytes(server.pid);
    const samples: Array<{ atMs: number; rssBytes: number }> = [];
    const startedMs = performance.now();
    const timer = setInterval(() => {
      try {
        samples.push({ atMs: Math.round(performance.now() - startedMs), rssBytes: readRssBytes(server.pid) });
      } catch {
        // the process ended
      }
    }, RSS_SAMPLE_MS);
    let outcome: BenchmarkOutcome;
    try {
      outcome = await runRedisBenchmark({ port: server.port, test: 'set', requests, clients: options.clients, pipeline: 1, keyspaceSize: CACHE_KEYSPACE, valueBytes: CACHE_VALUE_BYTES }, RUN_TIMEOUT_MS);
    } finally {
      clearInterval(timer);
    }
    const usedMemory = await infoField(server.port, 'memory', 'used_memory:');
    const evicted = await infoField(server.port, 'stats', 'evicted_keys:');
    const keys = await infoField(server.port, 'keyspace', 'db0:keys=');
    const peakRss = Math.max(0, ...samples.map((s) => s.rssBytes));
    const rssOverTime = samples.filter((_, i) => i % 4 === 0).map((s) => `${(s.atMs / 1000).toFixed(0)}s:${(s.rssBytes / 1048576).toFixed(0)}`);
    const line = `cache-lru ${kind} round ${round}: ${outcome.kind === 'ok' ? `${fmt(outcome.row.rps)} ops/s, p99 ${outcome.row.p99LatencyMs} ms, max ${outcome.row.maxLatencyMs} ms` : `${outcome.kind}: ${outcome.error}`}; used_memory ${(usedMemory / 1048576).toFixed(1)} MB (${((usedMemory / maxmemoryBytes) * 100).toFixed(0)}% of maxmemory), RSS start ${(startRss / 1048576).toFixed(0)} MB, peak ${(peakRss / 1048576).toFixed(0)} MB, evicted ${evicted.toLocaleString('en-US')} (load ${loadavg()[0]?.toFixed(2)})`;
    log(line);
    return {
      rps: outcome.kind === 'ok' ? outcome.row.rps : null,
      startRssBytes: startRss,
      peakRssBytes: peakRss,
      usedMemoryBytes: usedMemory,
      evictedKeys: evicted,
      keys,
      samples,
      outcome,
      lines: [line, `  RSS MB over time (${kind}, round ${round}): ${rssOverTime.join(' ')}`],
    };
  } finally {
    await server.stop();
  }
}

/**
 * The cache workload, in interleaved rounds like the other cases (redis, tessera, redis, ...),
 * each on fresh servers: throughput is the best round's, memory the worst round's (the highest
 * used_memory and peak RSS), so the memory bound is judged on every round.
 */
async function cacheLru(options: BenchOptions, log: (line: string) => void): Promise<Issue4Result> {
  const runs: Record<ServerKind, number[]> = { redis: [], tessera: [] };
  const maxmemoryMb = options.quick ? 50 : CACHE_MAXMEMORY_MB;
  const requests = options.quick ? CACHE_REQUESTS / 3 : CACHE_REQUESTS;
  const detail: Record<string, unknown> = { maxmemoryMb, requests, valueBytes: CACHE_VALUE_BYTES, keyspace: CACHE_KEYSPACE, rounds: options.rounds };
  const lines: string[] = [];
  const rounds: Record<ServerKind, CacheRound[]> = { redis: [], tessera: [] };
  for (let round = 1; round <= options.rounds; round++) {
    for (const kind of SERVER_KINDS) {
      const result = await cacheRound(kind, round, maxmemoryMb, requests, options, log);
      rounds[kind].push(result);
      if (result.rps !== null) runs[kind].push(result.rps);
      lines.push(...result.lines);
    }
  }
  for (const kind of SERVER_KINDS) {
    const all = rounds[kind];
    if (all.length === 0) continue;
    detail[kind] = {
      startRssBytes: Math.max(...all.map((r) => r.startRssBytes)),
      peakRssBytes: Math.max(...all.map((r) => r.peakRssBytes)),
      usedMemoryBytes: Math.max(...all.map((r) => r.usedMemoryBytes)),
      rounds: all.map(({ lines: _lines, ...rest }) => rest),
    };
  }
  const best = { redis: bestOf(runs.redis), tessera: bestOf(runs.tessera) };
  lines.unshift(`SET random keys (-r ${CACHE_KEYSPACE.toLocaleString('en-US')}, ${CACHE_VALUE_BYTES}-byte values, ${requests.toLocaleString('en-US')} requests, -c ${options.clients}) at maxmemory ${maxmemoryMb}mb allkeys-lru, best of ${options.rounds} round(s) on fresh servers: redis ${fmt(best.redis)} ops/s, tessera ${fmt(best.tessera)} ops/s, ratio ${ratioText(best)}`);
  return { name: 'cache-lru', unit: 'ops/s', best, runs, detail, lines };
}

export async function runIssue4Benches(options: BenchOptions, wanted: (name: string) => boolean, log: (line: string) => void): Promise<Issue4Result[]> {
  const results: Issue4Result[] = [];
  if (wanted('evalsha')) results.push(await evalsha(options, log));
  if (wanted('publish-fanout')) results.push(await publishFanout(options, log));
  if (wanted('cache-lru')) results.push(await cacheLru(options, log));
  return results;
}

/** Target: ≥ 0.8x Redis's throughput; the cache's used_memory at most maxmemory + 10%. */
export function issue4Targets(results: readonly Issue4Result[]): string[] {
  const lines: string[] = [];
  for (const result of results) {
    const { redis, tessera } = result.best;
    const ratio = redis !== null && tessera !== null && redis > 0 ? tessera / redis : null;
    lines.push(`- ${result.name}: ${ratio === null ? 'n/a' : `${ratio.toFixed(2)}x Redis ${result.unit}`} (target >= 0.80x): ${ratio !== null && ratio >= 0.8 ? 'met' : 'NOT met'}`);
    if (result.name === 'cache-lru') {
      const maxmemoryBytes = (result.detail.maxmemoryMb as number) * 1048576;
      for (const kind of SERVER_KINDS) {
        const d = result.detail[kind] as { usedMemoryBytes: number; peakRssBytes: number; startRssBytes: number } | undefined;
        if (d === undefined) continue;
        const used = d.usedMemoryBytes / maxmemoryBytes;
        lines.push(
          `- cache-lru memory ${kind}: used_memory ${(used * 100).toFixed(0)}% of maxmemory (target <= 110%): ${used <= 1.1 ? 'met' : 'NOT met'}; peak RSS ${(d.peakRssBytes / 1048576).toFixed(0)} MB = ${((d.peakRssBytes / maxmemoryBytes) * 100).toFixed(0)}% of maxmemory (RSS includes the process baseline of ${(d.startRssBytes / 1048576).toFixed(0)} MB)`,
        );
      }
    }
  }
  return lines;
}
