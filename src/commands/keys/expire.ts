import { Errors, ReplyError, cStringArg } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { parseInt64 } from '../parse.js';
import { lookupReadNoTouch } from './common.js';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

const enum ExpireFlag {
  NX = 1,
  XX = 2,
  GT = 4,
  LT = 8,
}

/** NX XX GT LT, any case, any order; checked before the time argument, like Redis. */
function parseExpireFlags(argv: readonly string[]): number {
  let flags = 0;
  for (let i = 3; i < argv.length; i++) {
    const option = (argv[i] as string).toLowerCase();
    if (option === 'nx') flags |= ExpireFlag.NX;
    else if (option === 'xx') flags |= ExpireFlag.XX;
    else if (option === 'gt') flags |= ExpireFlag.GT;
    else if (option === 'lt') flags |= ExpireFlag.LT;
    else throw new ReplyError(`ERR Unsupported option ${cStringArg(argv[i] as string)}`);
  }
  if (flags & ExpireFlag.NX && flags & (ExpireFlag.XX | ExpireFlag.GT | ExpireFlag.LT)) {
    throw new ReplyError('ERR NX and XX, GT or LT options at the same time are not compatible');
  }
  if (flags & ExpireFlag.GT && flags & ExpireFlag.LT) throw new ReplyError('ERR GT and LT options at the same time are not compatible');
  return flags;
}

/** Whether NX/XX/GT/LT let the new expiry replace the current one (-1n = no TTL = infinite). */
function flagsAllow(flags: number, whenMs: bigint, currentMs: bigint): boolean {
  if (flags & ExpireFlag.NX && currentMs !== -1n) return false;
  if (flags & ExpireFlag.XX && currentMs === -1n) return false;
  if (flags & ExpireFlag.GT && (whenMs <= currentMs || currentMs === -1n)) return false;
  if (flags & ExpireFlag.LT && currentMs !== -1n && whenMs >= currentMs) return false;
  return true;
}

/**
 * EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (Redis's expireGenericCommand). The time is checked for
 * int64 overflow after unit conversion and base addition; a time not in the future deletes the
 * key (propagated as DEL); otherwise the command propagates as PEXPIREAT with the absolute ms.
 */
function expireGeneric(ctx: CommandContext, argv: string[], baseMs: number, unitMs: 1 | 1000): void {
  const key = argv[1] as string;
  const flags = parseExpireFlags(argv);
  let whenMs = parseInt64(argv[2] as string);
  const invalid = Errors.invalidExpireTime((argv[0] as string).toLowerCase());
  if (unitMs === 1000) {
    if (whenMs > INT64_MAX / 1000n || whenMs < INT64_MIN / 1000n) throw new ReplyError(invalid);
    whenMs *= 1000n;
  }
  const base = BigInt(baseMs);
  if (whenMs > INT64_MAX - base) throw new ReplyError(invalid);
  whenMs += base;

  const db = ctx.db;
  if (db.lookup(key) === undefined) {
    ctx.reply.integer(0);
    return;
  }
  if (flags !== 0) {
    const current = db.exactExpireAtMs(key);
    if (!flagsAllow(flags, whenMs, current === undefined ? -1n : BigInt(current))) {
      ctx.reply.integer(0);
      return;
    }
  }
  if (whenMs <= BigInt(ctx.nowMs)) {
    db.delete(key);
    notify(ctx, 'g', 'del', key);
    ctx.propagateAs(['DEL', key]);
  } else {
    db.setExpireAtMs(key, whenMs);
    notify(ctx, 'g', 'expire', key);
    if (baseMs !== 0 || unitMs !== 1) ctx.propagateAs(['PEXPIREAT', key, whenMs.toString(), ...argv.slice(3)]);
  }
  ctx.dirty();
  ctx.reply.integer(1);
}

/** TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 missing key, -1 no TTL; seconds are rounded. */
function ttlGeneric(ctx: CommandContext, argv: string[], outputMs: boolean, absolute: boolean): void {
  const key = argv[1] as string;
  if (lookupReadNoTouch(ctx, key) === undefined) {
    ctx.reply.integer(-2);
    return;
  }
  const expireAtMs = ctx.db.exactExpireAtMs(key);
  if (expireAtMs === undefined) {
    ctx.reply.integer(-1);
    return;
  }
  if (typeof expireAtMs === 'number') {
    // The usual case: every value stays exact in a double.
    const ttlMs = Math.max(0, absolute ? expireAtMs : expireAtMs - ctx.nowMs);
    ctx.reply.integer(outputMs ? ttlMs : Math.floor((ttlMs + 500) / 1000));
    return;
  }
  // An int64 expiry past 2^53: Redis's arithmetic, exactly.
  let ttlMs = absolute ? expireAtMs : expireAtMs - BigInt(ctx.nowMs);
  if (ttlMs < 0n) ttlMs = 0n;
  ctx.reply.integer(outputMs ? ttlMs : (ttlMs + 500n) / 1000n);
}

function persist(ctx: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  if (ctx.db.lookup(key) !== undefined && ctx.db.persist(key)) {
    ctx.dirty();
    notify(ctx, 'g', 'persist', key);
    ctx.reply.integer(1);
  } else {
    ctx.reply.integer(0);
  }
}

export const expireCommands: readonly CommandDefinition[] = [
  { name: 'expire', handler: (ctx, argv) => expireGeneric(ctx, argv, ctx.nowMs, 1000) },
  { name: 'pexpire', handler: (ctx, argv) => expireGeneric(ctx, argv, ctx.nowMs, 1) },
  { name: 'expireat', handler: (ctx, argv) => expireGeneric(ctx, argv, 0, 1000) },
  { name: 'pexpireat', handler: (ctx, argv) => expireGeneric(ctx, argv, 0, 1) },
  { name: 'ttl', handler: (ctx, argv) => ttlGeneric(ctx, argv, false, false) },
  { name: 'pttl', handler: (ctx, argv) => ttlGeneric(ctx, argv, true, false) },
  { name: 'expiretime', handler: (ctx, argv) => ttlGeneric(ctx, argv, false, true) },
  { name: 'pexpiretime', handler: (ctx, argv) => ttlGeneric(ctx, argv, true, true) },
  { name: 'persist', handler: persist },
];
