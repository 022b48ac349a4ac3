import { globMatch } from '../../keyspace/glob.js';
import { RawString, typeOfValue, type StoredValue } from '../../keyspace/stored-value.js';
import { Errors, ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { lookupRead } from '../lookup.js';
import { notify, notifyEvent } from '../notify.js';
import { isOption } from '../parse.js';
import { clusterEnabled, lookupReadNoTouch, parseDbIndex } from './common.js';

/** DEL and UNLINK: a key already expired counts as missing (Redis expires it first). */
function del(ctx: CommandContext, argv: string[]): void {
  const db = ctx.db;
  let deleted = 0;
  for (let i = 1; i < argv.length; i++) {
    const key = argv[i] as string;
    if (db.peek(key) !== undefined && db.delete(key) !== undefined) {
      deleted++;
      notify(ctx, 'g', 'del', key);
    }
  }
  if (deleted > 0) ctx.dirty(deleted);
  ctx.reply.integer(deleted);
}

/** EXISTS counts every argument, so a key given twice counts twice. */
function exists(ctx: CommandContext, argv: string[]): void {
  let count = 0;
  for (let i = 1; i < argv.length; i++) if (lookupReadNoTouch(ctx, argv[i] as string) !== undefined) count++;
  ctx.reply.integer(count);
}

function type(ctx: CommandContext, argv: string[]): void {
  const value = lookupReadNoTouch(ctx, argv[1] as string);
  ctx.reply.simple(value === undefined ? 'none' : typeOfValue(value));
}

function touch(ctx: CommandContext, argv: string[]): void {
  let touched = 0;
  for (let i = 1; i < argv.length; i++) if (lookupRead(ctx, argv[i] as string) !== undefined) touched++;
  ctx.reply.integer(touched);
}

function renameGeneric(ctx: CommandContext, argv: string[], nx: boolean): void {
  const from = argv[1] as string;
  const to = argv[2] as string;
  const db = ctx.db;
  const value = db.lookup(from);
  if (value === undefined) throw new ReplyError(Errors.noSuchKey);
  if (from === to) {
    // Redis does nothing (and changes nothing) when both names are the same.
    if (nx) ctx.reply.integer(0);
    else ctx.reply.ok();
    return;
  }
  const expireAtMs = db.exactExpireAtMs(from);
  const accessClock = db.accessClockOf(from) ?? 0;
  if (db.lookup(to) !== undefined) {
    if (nx) {
      ctx.reply.integer(0);
      return;
    }
    db.delete(to);
  }
  db.delete(from);
  db.setWithAccessClock(to, value, accessClock);
  if (expireAtMs !== undefined) db.setExpireAtMs(to, expireAtMs);
  ctx.dirty();
  notify(ctx, 'g', 'rename_from', from);
  notify(ctx, 'g', 'rename_to', to);
  if (nx) ctx.reply.integer(1);
  else ctx.reply.ok();
}

/** A deep copy for COPY: strings are immutable JS strings, the rest are copied. */
function cloneValue(value: StoredValue): StoredValue {
  if (typeof value === 'string') return value;
  if (value instanceof RawString) return new RawString(value.bytes.subarray(0, value.length));
  return value.clone();
}

function copy(ctx: CommandContext, argv: string[]): void {
  const src = ctx.db;
  let dst = ctx.db;
  let replace = false;
  for (let i = 3; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (isOption(arg, 'replace')) {
      replace = true;
    } else if (isOption(arg, 'db') && i + 1 < argv.length) {
      dst = parseDbIndex(ctx, argv[++i] as string);
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  if (clusterEnabled(ctx) && (src.id !== 0 || dst.id !== 0)) {
    throw new ReplyError('ERR Copying to another database is not allowed in cluster mode');
  }
  const key = argv[1] as string;
  const newKey = argv[2] as string;
  if (src === dst && key === newKey) throw new ReplyError(Errors.sameObject);
  const value = lookupRead(ctx, key);
  if (value === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const expireAtMs = src.exactExpireAtMs(key);
  if (dst.lookup(newKey) !== undefined) {
    if (!replace) {
      ctx.reply.integer(0);
      return;
    }
    dst.delete(newKey);
  }
  dst.set(newKey, cloneValue(value));
  if (expireAtMs !== undefined) dst.setExpireAtMs(newKey, expireAtMs);
  ctx.dirty();
  notifyEvent(ctx.server, dst.id, 'g', 'copy_to', newKey);
  ctx.reply.integer(1);
}

function move(ctx: CommandContext, argv: string[]): void {
  if (clusterEnabled(ctx)) throw new ReplyError('ERR MOVE is not allowed in cluster mode');
  const key = argv[1] as string;
  const src = ctx.db;
  const dst = parseDbIndex(ctx, argv[2] as string);
  if (src === dst) throw new ReplyError(Errors.sameObject);
  const value = src.lookup(key);
  if (value === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const expireAtMs = src.exactExpireAtMs(key);
  const accessClock = src.accessClockOf(key) ?? 0;
  if (dst.lookup(key) !== undefined) {
    ctx.reply.integer(0);
    return;
  }
  dst.setWithAccessClock(key, value, accessClock);
  if (expireAtMs !== undefined) dst.setExpireAtMs(key, expireAtMs);
  src.delete(key);
  ctx.dirty();
  notifyEvent(ctx.server, src.id, 'g', 'move_from', key);
  notifyEvent(ctx.server, dst.id, 'g', 'move_to', key);
  ctx.reply.integer(1);
}

function randomkey(ctx: CommandContext): void {
  ctx.reply.bulk(ctx.db.randomKey(ctx.random) ?? null);
}

function dbsize(ctx: CommandContext): void {
  ctx.reply.integer(ctx.db.size);
}

/**
 * KEYS: a lone `*` takes every key (even ""); expired keys are skipped but not removed, as in
 * Redis. The reply is built first because its length is only known at the end.
 */
function keys(ctx: CommandContext, argv: string[]): void {
  const pattern = argv[1] as string;
  const all = pattern === '*';
  const db = ctx.db;
  const out: string[] = [];
  for (const key of db.keys()) {
    if ((all || globMatch(pattern, key)) && !db.isLogicallyExpired(key)) out.push(key);
  }
  ctx.reply.bulkArray(out);
}

export const basicKeyCommands: readonly CommandDefinition[] = [
  { name: 'del', handler: del },
  { name: 'unlink', handler: del },
  { name: 'exists', handler: exists },
  { name: 'type', handler: type },
  { name: 'touch', handler: touch },
  { name: 'rename', handler: (ctx, argv) => renameGeneric(ctx, argv, false) },
  { name: 'renamenx', handler: (ctx, argv) => renameGeneric(ctx, argv, true) },
  { name: 'copy', handler: copy },
  { name: 'move', handler: move },
  { name: 'randomkey', handler: randomkey },
  { name: 'dbsize', handler: dbsize },
  { name: 'keys', handler: keys },
];
