import { Errors, ReplyError } from '../../lib/errors.js';
import { SortedSet } from '../../keyspace/types/zset/sorted-set.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { isOption } from '../parse.js';
import { ZsetErrors, parseScore, writeZset, zsetLimits } from './common.js';

interface AddFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
  ch: boolean;
  incr: boolean;
}

/**
 * Redis's zaddGenericCommand (ZADD, and ZINCRBY as ZADD INCR: it reads flags too, so
 * `ZINCRBY k NX m` is a syntax error).
 */
function zaddGeneric(ctx: CommandContext, argv: string[], incrOnly: boolean): void {
  const key = argv[1] as string;
  const flags: AddFlags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr: incrOnly };
  let at = 2;
  for (; at < argv.length; at++) {
    const arg = argv[at] as string;
    if (isOption(arg, 'nx')) flags.nx = true;
    else if (isOption(arg, 'xx')) flags.xx = true;
    else if (isOption(arg, 'ch')) flags.ch = true;
    else if (isOption(arg, 'incr')) flags.incr = true;
    else if (isOption(arg, 'gt')) flags.gt = true;
    else if (isOption(arg, 'lt')) flags.lt = true;
    else break;
  }
  const pairs = argv.length - at;
  if (pairs % 2 !== 0 || pairs === 0) throw new ReplyError(Errors.syntax);
  const count = pairs / 2;
  if (flags.incr && count > 1) throw new ReplyError('ERR INCR option supports a single increment-element pair');
  if (flags.nx && flags.xx) throw new ReplyError('ERR XX and NX options at the same time are not compatible');
  if ((flags.gt && flags.nx) || (flags.lt && flags.nx) || (flags.gt && flags.lt)) {
    throw new ReplyError('ERR GT, LT, and/or NX options at the same time are not compatible');
  }
  const scores = new Array<number>(count);
  for (let i = 0; i < count; i++) scores[i] = parseScore(argv[at + 2 * i] as string);
  let zset = writeZset(ctx, key);
  const limits = zsetLimits(ctx);
  let added = 0;
  let updated = 0;
  let processed = 0;
  let lastScore = 0;
  if (zset === undefined) {
    if (flags.xx) {
      replyAdd(ctx, flags, processed, lastScore, added, updated);
      return;
    }
    // Redis 7.0 sizes a new set by its first member only; later adds convert as needed.
    zset = SortedSet.create(limits.maxListpackEntries === 0 ? 1 : 0, (argv[at + 1] as string).length, limits);
    ctx.db.set(key, zset);
  }
  for (let i = 0; i < count; i++) {
    const member = argv[at + 2 * i + 1] as string;
    let score = scores[i] as number;
    const current = zset.score(member);
    if (current !== undefined) {
      if (flags.nx) continue;
      if (flags.incr) {
        score += current;
        if (Number.isNaN(score)) {
          if (zset.size === 0) ctx.db.delete(key);
          throw new ReplyError(ZsetErrors.nanScore);
        }
      }
      if ((flags.gt && score <= current) || (flags.lt && score >= current)) continue;
      lastScore = score;
      processed++;
      if (score !== current) {
        zset.update(member, current, score);
        updated++;
      }
    } else {
      if (flags.xx) continue;
      zset.insertNew(member, score, limits);
      lastScore = score;
      processed++;
      added++;
    }
  }
  if (zset.size === 0) ctx.db.delete(key);
  if (added + updated > 0) {
    ctx.dirty(added + updated);
    notify(ctx, 'z', flags.incr ? 'zincr' : 'zadd', key);
  }
  replyAdd(ctx, flags, processed, lastScore, added, updated);
}

function replyAdd(ctx: CommandContext, flags: AddFlags, processed: number, score: number, added: number, updated: number): void {
  if (flags.incr) {
    if (processed > 0) ctx.reply.double(score);
    else ctx.reply.null();
  } else {
    ctx.reply.integer(flags.ch ? added + updated : added);
  }
}

export const zaddCommands: readonly CommandDefinition[] = [
  { name: 'zadd', handler: (ctx, argv) => zaddGeneric(ctx, argv, false) },
  { name: 'zincrby', handler: (ctx, argv) => zaddGeneric(ctx, argv, true) },
];
