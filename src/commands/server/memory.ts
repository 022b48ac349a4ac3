import { Errors, ReplyError } from '../../lib/errors.js';
import { scriptingMemoryOf } from '../../scripting/script-memory.js';
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
 * like Redis but changes nothing: containers sample a fixed number of their first entries
 * (64 fields or members, 16 list chunks or stream nodes) and extrapolate.
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

/**
 * MEMORY STATS: Redis 7.0's fields in its order. Figures Tessera measures (used, peak, startup,
 * RSS, keys) are real; allocator internals have no V8 counterpart and repeat used/RSS (ratio 1).
 */
function memoryStats(ctx: CommandContext): void {
  const memory = ctx.server.memory();
  const reply = ctx.reply;
  const keys = ctx.keyspace.totalKeys();
  const used = memory.usedBytes;
  const dataset = Math.max(0, used - memory.startupBytes);
  const databases = ctx.keyspace.databases.filter((db) => db.size > 0);
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const integer = (name: string, value: number) => {
    reply.bulk(name);
    reply.integer(Math.round(value));
  };
  const double = (name: string, value: number) => {
    reply.bulk(name);
    reply.double(value);
  };
  reply.map(27 + databases.length);
  integer('peak.allocated', memory.peakBytes);
  integer('total.allocated', used);
  integer('startup.allocated', memory.startupBytes);
  integer('replication.backlog', 0);
  integer('clients.slaves', 0);
  integer('clients.normal', 0);
  integer('cluster.links', 0);
  integer('aof.buffer', 0);
  // Redis's mh->lua_caches and functions_caches: INFO's used_memory_scripts_eval and used_memory_functions.
  const scripts = scriptingMemoryOf(ctx.server);
  integer('lua.caches', scripts.evalCacheBytes);
  integer('functions.caches', scripts.functionsCacheBytes);
  for (const db of databases) {
    reply.bulk(`db.${db.id}`);
    reply.map(3);
    integer('overhead.hashtable.main', db.size * PER_KEY_OVERHEAD_BYTES);
    integer('overhead.hashtable.expires', db.expiresCount * EXPIRE_ENTRY_BYTES);
    integer('overhead.hashtable.slot-to-keys', 0);
  }
  integer('overhead.total', memory.startupBytes);
  integer('keys.count', keys);
  integer('keys.bytes-per-key', keys === 0 ? 0 : Math.floor(dataset / keys));
  integer('dataset.bytes', dataset);
  double('dataset.percentage', ratio(dataset * 100, used));
  double('peak.percentage', ratio(used * 100, memory.peakBytes));
  integer('allocator.allocated', used);
  integer('allocator.active', used);
  integer('allocator.resident', memory.rssBytes);
  double('allocator-fragmentation.ratio', 1);
  integer('allocator-fragmentation.bytes', 0);
  double('allocator-rss.ratio', ratio(memory.rssBytes, used));
  integer('allocator-rss.bytes', memory.rssBytes - used);
  double('rss-overhead.ratio', 1);
  integer('rss-overhead.bytes', 0);
  double('fragmentation', ratio(memory.rssBytes, used));
  integer('fragmentation.bytes', memory.rssBytes - used);
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
