import { Errors, ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { isOption, parseInt64 } from '../parse.js';
import { memoryHelp } from './help-texts.js';
import { writeHelp } from './spec-emitter.js';
import { EXPIRE_ENTRY_BYTES, PER_KEY_OVERHEAD_BYTES, stringBytes, valueBytes } from './value-size.js';

/** Redis's memory doctor stays quiet below 5 MB of data. */
const DOCTOR_MIN_BYTES = 5 * 1024 * 1024;

/**
 * MEMORY USAGE key [SAMPLES n]: an estimate of the key's V8 heap footprint (key string, value,
 * per-key bookkeeping, TTL entry), explained in docs/memory-accounting.md. SAMPLES is parsed
 * like Redis but our containers measure exactly or not at all, so it changes nothing.
 */
function memoryUsage(ctx: CommandContext, argv: string[]): void {
  for (let i = 3; i < argv.length; i++) {
    if (isOption(argv[i], 'samples') && i + 1 < argv.length) {
      const samples = parseInt64(argv[i + 1] as string);
      if (samples < 0n) throw new ReplyError(Errors.syntax);
      i++;
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  const key = argv[2] as string;
  const value = ctx.db.peek(key);
  if (value === undefined) {
    ctx.reply.null();
    return;
  }
  const expireBytes = ctx.db.expireAtMs(key) === undefined ? 0 : EXPIRE_ENTRY_BYTES;
  ctx.reply.integer(PER_KEY_OVERHEAD_BYTES + stringBytes(key.length) + valueBytes(value) + expireBytes);
}

function memoryDoctor(ctx: CommandContext): void {
  const memory = ctx.server.memory();
  const text =
    memory.usedBytes - memory.startupBytes < DOCTOR_MIN_BYTES
      ? "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n"
      : "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
  ctx.reply.verbatim(text);
}

/** MEMORY STATS: Redis's field names, with the figures Tessera can measure (others 0). */
function memoryStats(ctx: CommandContext): void {
  const memory = ctx.server.memory();
  const reply = ctx.reply;
  const keys = ctx.keyspace.totalKeys();
  const dataset = Math.max(0, memory.usedBytes - memory.startupBytes);
  const databases = ctx.keyspace.databases.filter((db) => db.size > 0);
  reply.map(21 + databases.length);
  const field = (name: string, value: number) => {
    reply.bulk(name);
    reply.integer(Math.round(value));
  };
  const fieldDouble = (name: string, value: number) => {
    reply.bulk(name);
    reply.double(value);
  };
  field('peak.allocated', memory.peakBytes);
  field('total.allocated', memory.usedBytes);
  field('startup.allocated', memory.startupBytes);
  field('replication.backlog', 0);
  field('clients.slaves', 0);
  field('clients.normal', 0);
  field('cluster.links', 0);
  field('aof.buffer', 0);
  field('lua.caches', 0);
  field('functions.caches', 0);
  for (const db of databases) {
    reply.bulk(`db.${db.id}`);
    reply.map(2);
    field('overhead.hashtable.main', db.size * PER_KEY_OVERHEAD_BYTES);
    field('overhead.hashtable.expires', db.expiresCount * EXPIRE_ENTRY_BYTES);
  }
  field('overhead.total', memory.startupBytes);
  field('keys.count', keys);
  field('keys.bytes-per-key', keys === 0 ? 0 : Math.floor(dataset / keys));
  field('dataset.bytes', dataset);
  fieldDouble('dataset.percentage', memory.usedBytes === 0 ? 0 : (dataset * 100) / memory.usedBytes);
  fieldDouble('peak.percentage', memory.peakBytes === 0 ? 0 : (memory.usedBytes * 100) / memory.peakBytes);
  field('allocator.allocated', memory.usedBytes);
  field('allocator.resident', memory.rssBytes);
  fieldDouble('fragmentation', memory.usedBytes === 0 ? 0 : memory.rssBytes / memory.usedBytes);
  field('fragmentation.bytes', memory.rssBytes - memory.usedBytes);
}

export const memoryCommand: CommandDefinition = {
  name: 'memory',
  subcommands: [
    { name: 'usage', handler: memoryUsage },
    { name: 'doctor', handler: memoryDoctor },
    { name: 'stats', handler: memoryStats },
    { name: 'malloc-stats', handler: (ctx) => ctx.reply.verbatim('Stats not supported for the current allocator') },
    { name: 'purge', handler: (ctx) => ctx.reply.ok() },
    { name: 'help', handler: (ctx) => writeHelp(ctx.reply, memoryHelp) },
  ],
};
