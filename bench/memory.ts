import { setTimeout as sleep } from 'node:timers/promises';
import type { Reply } from '../src/resp/reply-parser.js';
import { PipelineClient } from './pipeline-client.js';
import { readRssBytes, type BenchServer } from './servers.js';

/** Commands per pipelined batch while loading keys: big enough to be fast, small for the queues. */
const LOAD_BATCH_COMMANDS = 2000;
/** RSS is sampled until two samples this far apart differ by less than SETTLE_RATIO. */
const SETTLE_INTERVAL_MS = 500;
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

/** Samples RSS until it stops moving (or SETTLE_MAX_MS passed); returns the last sample. */
async function settledRssBytes(pid: number): Promise<number> {
  let previous = readRssBytes(pid);
  for (let waitedMs = 0; waitedMs < SETTLE_MAX_MS; waitedMs += SETTLE_INTERVAL_MS) {
    await sleep(SETTLE_INTERVAL_MS);
    const current = readRssBytes(pid);
    if (Math.abs(current - previous) < previous * SETTLE_RATIO) return current;
    previous = current;
  }
  return previous;
}

/** SET key:0..count-1 in pipelined batches; throws on the first reply that is not +OK. */
export async function loadKeys(client: PipelineClient, count: number, valueBytes: number): Promise<void> {
  for (let start = 0; start < count; start += LOAD_BATCH_COMMANDS) {
    const end = Math.min(count, start + LOAD_BATCH_COMMANDS);
    const commands: string[][] = [];
    for (let i = start; i < end; i++) commands.push(['SET', loadKeyName(i), loadValue(i, valueBytes)]);
    const replies = await client.batch(commands);
    for (const reply of replies) {
      if (reply.type !== 'simple' || reply.value !== 'OK') throw new Error(`SET while loading keys: ${replyText(reply)}`);
    }
  }
}

export interface MemoryResult {
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
export async function measureBytesPerKey(server: BenchServer, keys: number, valueBytes: number): Promise<MemoryResult> {
  const client = await PipelineClient.connect(server.port);
  try {
    const flushReply = await client.call('FLUSHALL');
    const flushAll = flushReply.type === 'error' ? `error: ${flushReply.value}` : 'OK';
    const keysBefore = db0Keys(await info(client, 'keyspace'));
    if (keysBefore !== 0) throw new Error(`${server.kind} still has ${keysBefore} keys before the load (${flushAll})`);
    const rssBeforeBytes = await settledRssBytes(server.pid);
    const usedBefore = await usedMemoryBytes(client);
    const startedMs = performance.now();
    await loadKeys(client, keys, valueBytes);
    const loadMs = performance.now() - startedMs;
    const keysAfter = db0Keys(await info(client, 'keyspace'));
    if (keysAfter !== keys) throw new Error(`${server.kind} holds ${keysAfter} keys after loading ${keys}`);
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
