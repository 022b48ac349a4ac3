// Persistence figures for `npm run bench -- --only save,load,bgsave` (bench/README.md):
// SAVE and load times with file sizes, Tessera beside redis-server; BGSAVE under a full-speed
// writer: the latency that writer sees and the extra memory.
import { connect, type Socket } from 'node:net';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { freePort, stopProcess, waitForOutput, type RunningProcess } from '../test/support/redis-server-process.js';
import { cliPath } from '../test/support/tessera.js';
import { parseInfo } from './memory.js';
import { PipelineClient } from './pipeline-client.js';
import { readRssBytes, type ServerKind } from './servers.js';

/** Commands per pipelined batch while filling. */
const FILL_BATCH_COMMANDS = 5000;
/** Requests the BGSAVE writer keeps in flight (pipelined on one connection). */
const WRITER_WINDOW = 32;
/** How often RSS and INFO are sampled while a BGSAVE runs. */
const SAMPLE_INTERVAL_MS = 10;
/** Writer time before the BGSAVE starts (its latency baseline) and after it ends. */
const WRITER_BASELINE_MS = 1000;
const WRITER_TAIL_MS = 200;
/** A BGSAVE that has not ended by then is reported as such. */
const BGSAVE_TIMEOUT_MS = 300_000;

export interface SaveLoadResult {
  keys: number;
  saveMs: number;
  loadMs: number;
  fileBytes: number;
}

export interface BgsaveResult {
  keys: number;
  datasetRssBytes: number;
  bgsaveMs: number;
  /** Writer latencies (ms) of requests sent while the BGSAVE ran, and before it (baseline). */
  during: LatencySummary;
  baseline: LatencySummary;
  /** Peak RSS during the BGSAVE minus RSS when it started (the parent; Redis's child is apart). */
  extraRssBytes: number;
  /** Redis: rdb_last_cow_size (the child's copy-on-write); Tessera: 0. */
  cowBytes: number;
}

export interface LatencySummary {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  opsPerSec: number;
}

/** The i-th key of the mixed dataset: 60% strings (5% of them with a TTL), 10% each hash, list, set, zset. */
export function mixedCommand(index: number): string[] {
  const kind = index % 10;
  const v = (n: number) => `v${index}-${n}`;
  if (kind < 6) {
    const value = `value-${String(index).padStart(10, '0')}`;
    return index % 20 === 0 ? ['SET', `k:${index}`, value, 'EX', '86400'] : ['SET', `k:${index}`, value];
  }
  if (kind === 6) return ['HSET', `h:${index}`, 'f1', v(1), 'f2', v(2), 'f3', v(3), 'f4', v(4), 'f5', v(5)];
  if (kind === 7) return ['RPUSH', `l:${index}`, v(1), v(2), v(3), v(4), v(5)];
  if (kind === 8) return ['SADD', `s:${index}`, v(1), v(2), v(3), v(4), v(5)];
  return ['ZADD', `z:${index}`, '1', v(1), '2', v(2), '3', v(3), '4', v(4), '5', v(5)];
}

async function fillMixed(port: number, keys: number): Promise<void> {
  const client = await PipelineClient.connect(port);
  try {
    for (let start = 0; start < keys; start += FILL_BATCH_COMMANDS) {
      const batch: string[][] = [];
      for (let i = start; i < Math.min(keys, start + FILL_BATCH_COMMANDS); i++) batch.push(mixedCommand(i));
      await client.batch(batch, 120_000);
    }
  } finally {
    client.close();
  }
}

/** A start that loads a big file may take this long on a busy machine. */
const START_TIMEOUT_MS = 300_000;

/** A server process in `dir` (its dump.rdb), without save points; ready once it has loaded. */
async function startIn(kind: ServerKind, dir: string): Promise<RunningProcess> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const child = kind === 'redis' ? spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(process.execPath, [cliPath, 'server', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await waitForOutput(child, (text) => text.includes('Ready to accept connections'), START_TIMEOUT_MS, kind);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return { port, process: child, dir, output: () => output, stop: () => stopProcess(child) };
}

async function info(port: number): Promise<Map<string, string>> {
  const client = await PipelineClient.connect(port);
  try {
    const reply = await client.call('INFO', 'all');
    return parseInfo('value' in reply ? String(reply.value) : '');
  } finally {
    client.close();
  }
}

/** SAVE time (as the client sees it), the file's size, and the load time of a restart (the server's own "DB loaded from disk" line). */
export async function measureSaveLoad(kind: ServerKind, keys: number, log: (line: string) => void): Promise<SaveLoadResult> {
  const dir = mkdtempSync(join(tmpdir(), `tessera-bench-rdb-${kind}-`));
  try {
    const first = await startIn(kind, dir);
    let saveMs: number;
    try {
      log(`save/load: filling ${keys.toLocaleString('en-US')} mixed keys into ${kind}...`);
      await fillMixed(first.port, keys);
      const client = await PipelineClient.connect(first.port);
      const startedMs = performance.now();
      const reply = await client.batch([['SAVE']], 300_000);
      saveMs = performance.now() - startedMs;
      client.close();
      if (reply[0]?.type !== 'simple') throw new Error(`${kind} SAVE failed: ${JSON.stringify(reply[0])}`);
    } finally {
      await first.stop();
    }
    const fileBytes = statSync(join(dir, 'dump.rdb')).size;
    const second = await startIn(kind, dir);
    try {
      const match = /DB loaded from disk: ([\d.]+) seconds/.exec(second.output());
      if (match === null) throw new Error(`${kind} printed no "DB loaded from disk" line:\n${second.output()}`);
      const loadMs = Number(match[1]) * 1000;
      const loaded = await info(second.port);
      const loadedKeys = Number(/keys=(\d+)/.exec(loaded.get('db0') ?? '')?.[1] ?? 0);
      if (loadedKeys !== keys) throw new Error(`${kind} loaded ${loadedKeys} keys, expected ${keys}`);
      log(`save/load: ${kind} SAVE ${saveMs.toFixed(0)} ms, load ${loadMs.toFixed(0)} ms, ${(fileBytes / 1e6).toFixed(1)} MB`);
      return { keys, saveMs, loadMs, fileBytes };
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One connection writing SETs over random keys (about half existing, half new) at full speed,
 * WRITER_WINDOW requests in flight; each request's latency is from its send to its reply.
 */
class Writer {
  readonly #socket: Socket;
  readonly #sentAtMs: number[] = [];
  #head = 0;
  #running = true;
  #keySpace: number;
  readonly samples: Array<[sentAtMs: number, latencyMs: number]> = [];

  private constructor(socket: Socket, keySpace: number) {
    this.#socket = socket;
    this.#keySpace = keySpace;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => undefined);
  }

  static async start(port: number, keySpace: number): Promise<Writer> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1' }, () => resolve(s));
      s.once('error', reject);
    });
    const writer = new Writer(socket, keySpace);
    writer.#send(WRITER_WINDOW);
    return writer;
  }

  #send(count: number): void {
    if (!this.#running) return;
    let out = '';
    const nowMs = performance.now();
    for (let i = 0; i < count; i++) {
      // Strings k:N exist for N % 10 < 6 below the dataset size; the key space is twice that.
      const key = `k:${Math.floor(Math.random() * this.#keySpace)}`;
      out += `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$8\r\nnewvalue\r\n`;
      this.#sentAtMs.push(nowMs);
    }
    this.#socket.write(out);
  }

  #onData(chunk: Buffer): void {
    // Every SET reply is "+OK\r\n": count line ends.
    let replies = 0;
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) replies++;
    const nowMs = performance.now();
    for (let i = 0; i < replies; i++) {
      const sentAtMs = this.#sentAtMs[this.#head++] as number;
      this.samples.push([sentAtMs, nowMs - sentAtMs]);
    }
    if (this.#head > 100_000) {
      this.#sentAtMs.splice(0, this.#head);
      this.#head = 0;
    }
    this.#send(replies);
  }

  stop(): void {
    this.#running = false;
    this.#socket.destroy();
  }
}

function summarizeLatencies(samples: ReadonlyArray<[number, number]>, fromMs: number, toMs: number): LatencySummary {
  const latencies = samples.filter(([sentAtMs]) => sentAtMs >= fromMs && sentAtMs < toMs).map(([, latencyMs]) => latencyMs);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const seconds = (toMs - fromMs) / 1000;
  return { requests: latencies.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: latencies[latencies.length - 1] ?? 0, opsPerSec: seconds > 0 ? latencies.length / seconds : 0 };
}

/** BGSAVE of `keys` mixed keys while one client writes at full speed. */
export async function measureBgsave(kind: ServerKind, keys: number, log: (line: string) => void): Promise<BgsaveResult> {
  const dir = mkdtempSync(join(tmpdir(), `tessera-bench-bgsave-${kind}-`));
  let server: RunningProcess | undefined;
  try {
    server = await startIn(kind, dir);
    const pid = server.process.pid as number;
    const emptyRss = readRssBytes(pid);
    log(`bgsave: filling ${keys.toLocaleString('en-US')} mixed keys into ${kind}...`);
    await fillMixed(server.port, keys);
    await sleep(500);
    const datasetRssBytes = readRssBytes(pid) - emptyRss;
    const writer = await Writer.start(server.port, keys * 2);
    await sleep(WRITER_BASELINE_MS);
    const control = await PipelineClient.connect(server.port);
    const startRss = readRssBytes(pid);
    let peakRss = startRss;
    const bgsaveStartMs = performance.now();
    const reply = await control.call('BGSAVE');
    if (reply.type !== 'simple') throw new Error(`${kind} BGSAVE: ${JSON.stringify(reply)}`);
    for (;;) {
      await sleep(SAMPLE_INTERVAL_MS);
      peakRss = Math.max(peakRss, readRssBytes(pid));
      const persistence = await control.call('INFO', 'persistence');
      if ('value' in persistence && /rdb_bgsave_in_progress:0/.test(String(persistence.value))) break;
      if (performance.now() - bgsaveStartMs > BGSAVE_TIMEOUT_MS) throw new Error(`${kind} BGSAVE still running after ${BGSAVE_TIMEOUT_MS} ms`);
    }
    const bgsaveEndMs = performance.now();
    await sleep(WRITER_TAIL_MS);
    writer.stop();
    const fields = await info(server.port);
    control.close();
    if (fields.get('rdb_last_bgsave_status') !== 'ok') throw new Error(`${kind} BGSAVE failed`);
    const result: BgsaveResult = {
      keys,
      datasetRssBytes,
      bgsaveMs: bgsaveEndMs - bgsaveStartMs,
      during: summarizeLatencies(writer.samples, bgsaveStartMs, bgsaveEndMs),
      baseline: summarizeLatencies(writer.samples, bgsaveStartMs - WRITER_BASELINE_MS + 200, bgsaveStartMs),
      extraRssBytes: peakRss - startRss,
      cowBytes: Number(fields.get('rdb_last_cow_size') ?? 0),
    };
    log(
      `bgsave: ${kind} ${result.bgsaveMs.toFixed(0)} ms; writer during: p99 ${result.during.p99Ms.toFixed(1)} ms, max ${result.during.maxMs.toFixed(1)} ms, ` +
        `${Math.round(result.during.opsPerSec).toLocaleString('en-US')} ops/s; extra RSS ${(result.extraRssBytes / 1e6).toFixed(1)} MB of ${(datasetRssBytes / 1e6).toFixed(1)} MB`,
    );
    return result;
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

export function saveLoadTable(results: Partial<Record<ServerKind, SaveLoadResult>>): string {
  const redis = results.redis;
  const tessera = results.tessera;
  const rows = ['| server | keys | SAVE ms | load ms | file MB |', '|---|---:|---:|---:|---:|'];
  for (const [kind, r] of [['redis', redis], ['tessera', tessera]] as const) {
    if (r !== undefined) rows.push(`| ${kind} | ${r.keys.toLocaleString('en-US')} | ${r.saveMs.toFixed(0)} | ${r.loadMs.toFixed(0)} | ${mb(r.fileBytes)} |`);
  }
  if (redis !== undefined && tessera !== undefined) {
    rows.push(`| tessera / redis | | ${(tessera.saveMs / redis.saveMs).toFixed(2)}x | ${(tessera.loadMs / redis.loadMs).toFixed(2)}x | ${(tessera.fileBytes / redis.fileBytes).toFixed(2)}x |`);
  }
  return rows.join('\n');
}

export function bgsaveTable(results: Partial<Record<ServerKind, BgsaveResult>>): string {
  const rows = [
    '| server | keys | BGSAVE ms | writer ops/s during (before) | p99 ms during (before) | max ms during (before) | extra RSS MB / dataset MB | child COW MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const kind of ['redis', 'tessera'] as const) {
    const r = results[kind];
    if (r === undefined) continue;
    rows.push(
      `| ${kind} | ${r.keys.toLocaleString('en-US')} | ${r.bgsaveMs.toFixed(0)} | ${Math.round(r.during.opsPerSec).toLocaleString('en-US')} (${Math.round(r.baseline.opsPerSec).toLocaleString('en-US')}) | ` +
        `${r.during.p99Ms.toFixed(1)} (${r.baseline.p99Ms.toFixed(1)}) | ${r.during.maxMs.toFixed(1)} (${r.baseline.maxMs.toFixed(1)}) | ` +
        `${mb(r.extraRssBytes)} / ${mb(r.datasetRssBytes)} (${((r.extraRssBytes / r.datasetRssBytes) * 100).toFixed(0)}%) | ${mb(r.cowBytes)} |`,
    );
  }
  return rows.join('\n');
}
