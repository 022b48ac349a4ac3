import type { Database } from '../keyspace/database.js';
import { Errors, ReplyError } from '../lib/errors.js';
import { accessClockFromHints } from '../persistence/rdb/access-hints.js';
import { DUMP_BAD_DATA_FORMAT, decodeDumpPayload, encodeDumpPayload } from '../persistence/rdb/dump-payload.js';
import type { DecodeLimits } from '../persistence/rdb/value-decode.js';
import type { CommandContext, CommandDefinition } from './context.js';
import { lookupRead } from './lookup.js';
import { notify } from './notify.js';
import { isOption, parseInt64 } from './parse.js';
import { RawString, type StoredValue } from '../keyspace/stored-value.js';

/** The encoding thresholds a restored value is converted by (the node's config). */
function decodeLimits(ctx: CommandContext): DecodeLimits {
  const config = ctx.server.config;
  return {
    hashMaxListpackEntries: config.number('hash-max-listpack-entries'),
    hashMaxListpackValue: config.number('hash-max-listpack-value'),
    zsetMaxListpackEntries: config.number('zset-max-listpack-entries'),
    zsetMaxListpackValue: config.number('zset-max-listpack-value'),
    setMaxIntsetEntries: config.number('set-max-intset-entries'),
  };
}

/** DUMP key: the value in Redis's payload format (RDB value, RDB version, CRC-64), or null. */
function dump(ctx: CommandContext, argv: string[]): void {
  const value = lookupRead(ctx, argv[1] as string);
  if (value === undefined) {
    ctx.reply.null();
    return;
  }
  const payload = encodeDumpPayload(value, {
    compress: ctx.server.config.value('rdbcompression') === 'yes',
    listMaxListpackSize: ctx.server.config.number('list-max-listpack-size'),
    listCompressDepth: ctx.server.config.number('list-compress-depth'),
  });
  ctx.reply.bulk(payload.latin1Slice(0, payload.length));
}

function parseCount(text: string): number {
  return Number(parseInt64(text));
}

/** An empty container cannot be stored: Redis's loader reports it as an empty key. */
function isEmptyContainer(value: StoredValue): boolean {
  return typeof value === 'object' && !(value instanceof RawString) && value.type !== 'stream' && value.size === 0;
}

/**
 * RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f], in Redis 7.0's order of
 * checks (cluster.c restoreCommand): options, BUSYKEY, TTL, payload checksum, payload decoding.
 * A TTL already in the past deletes the key (propagated as DEL); a relative TTL is propagated
 * as an absolute one with ABSTTL.
 */
function restore(ctx: CommandContext, argv: string[]): void {
  let replace = false;
  let absTtl = false;
  let idleSeconds: number | undefined;
  let lfuFreq: number | undefined;
  for (let i = 4; i < argv.length; i++) {
    const arg = argv[i] as string;
    const additional = argv.length - i - 1;
    if (isOption(arg, 'replace')) {
      replace = true;
    } else if (isOption(arg, 'absttl')) {
      absTtl = true;
    } else if (isOption(arg, 'idletime') && additional >= 1 && lfuFreq === undefined) {
      const idle = parseCount(argv[++i] as string);
      if (idle < 0) throw new ReplyError('ERR Invalid IDLETIME value, must be >= 0');
      idleSeconds = idle;
    } else if (isOption(arg, 'freq') && additional >= 1 && idleSeconds === undefined) {
      const freq = parseCount(argv[++i] as string);
      if (freq < 0 || freq > 255) throw new ReplyError('ERR Invalid FREQ value, must be >= 0 and <= 255');
      lfuFreq = freq;
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  const db: Database = ctx.db;
  const key = argv[1] as string;
  if (!replace && db.lookup(key) !== undefined) throw new ReplyError('BUSYKEY Target key name already exists.');
  const ttlValue = parseInt64(argv[2] as string);
  if (ttlValue < 0) throw new ReplyError('ERR Invalid TTL value, must be >= 0');
  const payload = Buffer.from(argv[3] as string, 'latin1');
  const value = decodeDumpPayload(payload, decodeLimits(ctx));
  if (isEmptyContainer(value)) throw new ReplyError(DUMP_BAD_DATA_FORMAT);

  const deleted = replace && db.delete(key) !== undefined;
  const ttl = ttlValue !== 0n && !absTtl ? ttlValue + BigInt(ctx.nowMs) : ttlValue;
  if (ttl !== 0n && ttl <= BigInt(ctx.nowMs)) {
    if (deleted) {
      ctx.propagateAs(['DEL', key]);
      notify(ctx, 'g', 'del', key);
      ctx.dirty();
    }
    ctx.reply.simple('OK');
    return;
  }
  const clock = accessClockFromHints(ctx.keyspace.accessMode, ctx.nowMs, {
    ...(idleSeconds !== undefined ? { idleSeconds } : {}),
    ...(lfuFreq !== undefined ? { lfuFreq } : {}),
  });
  if (clock === undefined) db.set(key, value);
  else db.setWithAccessClock(key, value, clock);
  if (ttl !== 0n) {
    db.setExpireAtMs(key, ttl);
    if (!absTtl) {
      const rewritten = argv.slice();
      rewritten[2] = String(ttl);
      rewritten.push('ABSTTL');
      ctx.propagateAs(rewritten);
    }
  }
  notify(ctx, 'g', 'restore', key);
  ctx.reply.simple('OK');
  ctx.dirty();
}

export const dumpRestoreCommands: readonly CommandDefinition[] = [
  { name: 'dump', handler: dump },
  { name: 'restore', handler: restore },
];
