import { setTimeout as sleep } from 'node:timers/promises';
import type { Reply } from '../src/resp/reply-parser.js';
import { PipelineClient } from './pipeline-client.js';
import { readRssBytes, type BenchServer } from './servers.js';

/** Commands per pipelined batch while loading keys: big enough to be fast, small for the queues. */
const LOAD_BATCH_COMMANDS = 2000;
/**
 * RSS is sampled every SETTLE_INTERVAL_MS until SETTLE_STABLE_SAMPLES samples in a row differ
 * from the one before by less than SETTLE_RATIO: 1.5 s without movement, longer than Tessera's
 * idle-GC delay (1 s without commands, src/server/idle-gc.ts). With one stable sample (0.5 s),
 * the figure was taken before that collection ran: RSS still held the load's garbage and fell
 * ~5 MB (100k hashes) right after the sample.
 */
const SETTLE_INTERVAL_MS = 500;
const SETTLE_STABLE_SAMPLES = 3;
const SETTLE_RATIO = 0.01;
const SETTLE_MAX_MS = 10_000;

/** `INFO` text as a Map of field → value (section headers and blank lines skipped). */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** Keys in db0 from INFO keyspace (`db0:keys=N,...`); 0 when the line is absent (empty db). */
export function db0Keys(info: Map<string, string>): number {
  const match = /(?:^|,)keys=(\d+)/.exec(info.get('db0') ?? '');
  return match === null ? 0 : Number(match[1]);
}

/** The i-th key and its 16-byte value: every key distinct, values not integer-encodable. */
export function loadKeyName(index: number): string {
  return `key:${index}`;
}
export function loadValue(index: number, valueBytes: number): string {
  return 'v' + String(index).padStart(valueBytes - 1, '0').slice(-(valueBytes - 1));
}

function replyText(reply: Reply): string {
  return 'value' in reply ? `${reply.type} ${JSON.stringify(reply.value).slice(0, 200)}` : reply.type;
}

async function info(client: PipelineClient, section: string): Promise<Map<string, string>> {
  const reply = await client.call('INFO', section);
  if (reply.type !== 'bulk' && reply.type !== 'verbatim') throw new Error(`INFO ${section}: ${replyText(reply)}`);
  return parseInfo(reply.value);
}

/** `used_memory` from INFO memory, or undefined when the server does not report it (yet). */
async function usedMemoryBytes(client: PipelineClient): Promise<number | undefined> {
  const value = (await info(client, 'memory')).get('used_memory');
  return value === undefined ? undefined : Number(value);
}

/** Samples RSS until it stops moving (see SETTLE_STABLE_SAMPLES) or SETTLE_MAX_MS passed; returns the last sample. */
async function settledRssBytes(pid: number): Promise<number> {
  let previous = readRssBytes(pid);
  let stableSamples = 0;
  for (let waitedMs = 0; waitedMs < SETTLE_MAX_MS; waitedMs += SETTLE_INTERVAL_MS) {
    await sleep(SETTLE_INTERVAL_MS);
    const current = readRssBytes(pid);
    stableSamples = Math.abs(current - previous) < previous * SETTLE_RATIO ? stableSamples + 1 : 0;
    previous = current;
    if (stableSamples >= SETTLE_STABLE_SAMPLES) return current;
  }
  return previous;
}

/**
 * What one memory measurement loads: `commands` commands made by `command(i)`, each answered as
 * `expected` says; afterwards db0 holds `keys` keys; the per-item figure divides by `items`.
 */
export interface MemoryLoad {
  name: string;
  /** What is loaded, for the report: `1,000,000 x SET key:N <16 bytes>`. */
  description: string;
  /** What the per-item figure is per: `key` or `member`. */
  unit: string;
  items: number;
  keys: number;
  commands: number;
  command: (index: number) => string[];
  expected: (reply: Reply) => boolean;
}

export function stringLoad(keys: number, valueBytes: number): MemoryLoad {
  return {
    name: 'memory',
    description: `${keys.toLocaleString('en-US')} x SET key:N <${valueBytes} bytes>`,
    unit: 'key',
    items: keys,
    keys,
    commands: keys,
    command: (i) => ['SET', loadKeyName(i), loadValue(i, valueBytes)],
    expected: (reply) => reply.type === 'simple' && reply.value === 'OK',
  };
}

export const HASH_FIELDS = 10;
/** `HSET h:N f0 v0 ... f9 v9`: short fields and values, a small hash as apps use them. */
export function hashLoadCommand(index: number): string[] {
  const command = ['HSET', `h:${index}`];
  for (let field = 0; field < HASH_FIELDS; field++) command.push(`f${field}`, `v${field}`);
  return command;
}

export function hashLoad(hashes: number): MemoryLoad {
  return {
    name: 'memory-hash',
    description: `${hashes.toLocaleString('en-US')} x HSET h:N f0 v0 ... f${HASH_FIELDS - 1} v${HASH_FIELDS - 1}`,
    unit: 'key',
    items: hashes,
    keys: hashes,
    commands: hashes,
    command: hashLoadCommand,
    expected: (reply) => reply.type === 'integer' && reply.value === BigInt(HASH_FIELDS),
  };
}

/** Members per ZADD while loading the big sorted set (fewer round trips, same data). */
export const ZSET_MEMBERS_PER_COMMAND = 100;
export function zsetLoadCommand(index: number, members: number): string[] {
  const command = ['ZADD', 'zset'];
  const end = Math.min(members, (index + 1) * ZSET_MEMBERS_PER_COMMAND);
  for (let member = index * ZSET_MEMBERS_PER_COMMAND; member < end; member++) command.push(String(member), `member:${member}`);
  return command;
}

export function zsetLoad(members: number): MemoryLoad {
  const commands = Math.ceil(members / ZSET_MEMBERS_PER_COMMAND);
  return {
    name: 'memory-zset',
    description: `one sorted set, ${members.toLocaleString('en-US')} x ZADD zset N member:N`,
    unit: 'member',
    items: members,
    keys: 1,
    commands,
    command: (i) => zsetLoadCommand(i, members),
    expected: (reply) => reply.type === 'integer' && reply.value > 0n,
  };
}

/** Sends load.command(0..commands-1) in pipelined batches; throws on the first unexpected reply. */
export async function runLoad(client: PipelineClient, load: MemoryLoad): Promise<void> {
  for (let start = 0; start < load.commands; start += LOAD_BATCH_COMMANDS) {
    const end = Math.min(load.commands, start + LOAD_BATCH_COMMANDS);
    const commands: string[][] = [];
    for (let i = start; i < end; i++) commands.push(load.command(i));
    const replies = await client.batch(commands);
    for (const reply of replies) {
      if (!load.expected(reply)) throw new Error(`${commands[0]?.[0] ?? '?'} while loading (${load.name}): ${replyText(reply)}`);
    }
  }
}

/** SET key:0..count-1 in pipelined batches; throws on the first reply that is not +OK. */
export function loadKeys(client: PipelineClient, count: number, valueBytes: number): Promise<void> {
  return runLoad(client, stringLoad(count, valueBytes));
}

export interface MemoryResult {
  /** What the per-key figures divide by: keys, or members for memory-zset. */
  keys: number;
  valueBytes: number;
  loadMs: number;
  /** What FLUSHALL answered before the load (a fresh process is empty anyway). */
  flushAll: string;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  rssPerKeyBytes: number;
  usedMemoryBeforeBytes: number | null;
  usedMemoryAfterBytes: number | null;
  usedMemoryPerKeyBytes: number | null;
}

/**
 * Bytes per key on one server: FLUSHALL, settle, sample RSS (/proc VmRSS, the same source for
 * both servers) and INFO used_memory, load `keys` distinct keys, settle, sample again. No GC is
 * forced: the RSS is what the process holds once it stops moving.
 */
export function measureBytesPerKey(server: BenchServer, keys: number, valueBytes: number): Promise<MemoryResult> {
  return measureLoad(server, stringLoad(keys, valueBytes), valueBytes);
}

/** The same measurement for any load (see measureBytesPerKey); per item = delta / load.items. */
export async function measureLoad(server: BenchServer, load: MemoryLoad, valueBytes: number): Promise<MemoryResult> {
  const client = await PipelineClient.connect(server.port);
  try {
    const flushReply = await client.call('FLUSHALL');
    const flushAll = flushReply.type === 'error' ? `error: ${flushReply.value}` : 'OK';
    const keysBefore = db0Keys(await info(client, 'keyspace'));
    if (keysBefore !== 0) throw new Error(`${server.kind} still has ${keysBefore} keys before the load (${flushAll})`);
    const rssBeforeBytes = await settledRssBytes(server.pid);
    const usedBefore = await usedMemoryBytes(client);
    const startedMs = performance.now();
    await runLoad(client, load);
    const loadMs = performance.now() - startedMs;
    const keysAfter = db0Keys(await info(client, 'keyspace'));
    if (keysAfter !== load.keys) throw new Error(`${server.kind} holds ${keysAfter} keys after loading ${load.keys} (${load.name})`);
    const keys = load.items;
    const rssAfterBytes = await settledRssBytes(server.pid);
    const usedAfter = await usedMemoryBytes(client);
    const usedKnown = usedBefore !== undefined && usedAfter !== undefined;
    return {
      keys,
      valueBytes,
      loadMs,
      flushAll,
      rssBeforeBytes,
      rssAfterBytes,
      rssPerKeyBytes: (rssAfterBytes - rssBeforeBytes) / keys,
      usedMemoryBeforeBytes: usedBefore ?? null,
      usedMemoryAfterBytes: usedAfter ?? null,
      usedMemoryPerKeyBytes: usedKnown ? (usedAfter - usedBefore) / keys : null,
    };
  } finally {
    client.close();
  }
}
