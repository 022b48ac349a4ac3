import { Errors, ReplyError } from '../../lib/errors.js';
import { SortedSet } from '../../keyspace/types/zset/sorted-set.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { lookupWrite } from '../lookup.js';
import { blockTimeoutAtMsFromSeconds, isOption, parseInt64 } from '../parse.js';
import { ZsetErrors } from './common.js';

/** ZPOPMIN ZPOPMAX ZMPOP and their blocking forms BZPOPMIN BZPOPMAX BZMPOP. */

type End = 'min' | 'max';

/** How genericZpopCommand shapes its reply. */
interface PopShape {
  /** Reply with the key first (BZPOP*, *MPOP). */
  emitKey: boolean;
  /** Pairs as [member, score] arrays (RESP3 with COUNT, and *MPOP always). */
  nested: boolean;
  /** No set to pop from: a null array (ZMPOP) instead of an empty one. */
  nullWhenEmpty: boolean;
}

/** The first non-empty sorted set among keys (WRONGTYPE stops at the first other type). */
function firstZset(ctx: CommandContext, keys: readonly string[]): [string, SortedSet] | undefined {
  for (const key of keys) {
    const value = lookupWrite(ctx, key);
    if (value === undefined) continue;
    if (!(value instanceof SortedSet)) {
      // A woken BZPOP* skips keys that became another type and keeps waiting, as Redis does.
      if (ctx.wokenFromBlock) continue;
      throw new ReplyError(Errors.wrongType);
    }
    if (value.size > 0) return [key, value];
  }
  return undefined;
}

/** Pops up to `count` (-1: one, flat reply) elements from one end; Redis's genericZpopCommand. */
function popFrom(ctx: CommandContext, key: string, zset: SortedSet, end: End, count: number, shape: PopShape): void {
  const reply = ctx.reply;
  if (count === 0) {
    reply.array(0);
    return;
  }
  const wanted = count === -1 ? 1 : count;
  const popped = Math.min(wanted, zset.size);
  if (!shape.nested && !shape.emitKey) reply.array(popped * 2);
  else if (shape.nested && !shape.emitKey) reply.array(popped);
  else if (!shape.nested) {
    reply.array(popped * 2 + 1);
    reply.bulk(key);
  } else {
    reply.array(2);
    reply.bulk(key);
    reply.array(popped);
  }
  for (let i = 0; i < popped; i++) {
    const [member, score] = zset.at(end === 'min' ? 0 : zset.size - 1);
    zset.remove(member);
    if (shape.nested) reply.array(2);
    reply.bulk(member);
    reply.double(score);
  }
  ctx.dirty(popped);
  notify(ctx, 'z', end === 'min' ? 'zpopmin' : 'zpopmax', key);
  if (zset.size === 0) {
    ctx.db.delete(key);
    notify(ctx, 'g', 'del', key);
  }
}

/** getPositiveLongFromObjectOrReply: one message for a non-integer and a negative one. */
function parsePositive(text: string): number {
  const value = parseInt64(text, ZsetErrors.mustBePositive);
  if (value < 0n) throw new ReplyError(ZsetErrors.mustBePositive);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

/** getRangeLongFromObjectOrReply(1, LONG_MAX) with a message for every failure. */
function parseAtLeastOne(text: string, message: string): number {
  const value = parseInt64(text, `ERR ${message}`);
  if (value < 1n) throw new ReplyError(`ERR ${message}`);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

function zpop(ctx: CommandContext, argv: string[], end: End): void {
  if (argv.length > 3) throw new ReplyError(Errors.syntax);
  const count = argv.length === 3 ? parsePositive(argv[2] as string) : -1;
  const nested = ctx.reply.protocol === 3 && count !== -1;
  const key = argv[1] as string;
  const value = lookupWrite(ctx, key);
  if (value === undefined) {
    ctx.reply.array(0);
    return;
  }
  if (!(value instanceof SortedSet)) throw new ReplyError(Errors.wrongType);
  popFrom(ctx, key, value, end, count, { emitKey: false, nested, nullWhenEmpty: false });
}

function bzpop(ctx: CommandContext, argv: string[], end: End): void {
  const timeoutAtMs = blockTimeoutAtMsFromSeconds(argv[argv.length - 1] as string, ctx.nowMs);
  const keys = argv.slice(1, -1);
  const found = firstZset(ctx, keys);
  if (found !== undefined) {
    const [key, zset] = found;
    popFrom(ctx, key, zset, end, -1, { emitKey: true, nested: false, nullWhenEmpty: false });
    ctx.propagateAs([end === 'min' ? 'ZPOPMIN' : 'ZPOPMAX', key]);
    return;
  }
  if (!ctx.mayBlock) {
    ctx.reply.nullArray();
    return;
  }
  ctx.block({ keys, timeoutAtMs, onTimeout: (reply) => reply.nullArray() });
}

interface MpopArgs {
  keys: string[];
  end: End;
  count: number;
}

/** zmpopGenericCommand's parsing: numkeys, keys, MIN|MAX, [COUNT n]. */
function parseMpop(argv: readonly string[], numkeysIndex: number): MpopArgs {
  const numkeys = parseAtLeastOne(argv[numkeysIndex] as string, 'numkeys should be greater than 0');
  const whereIndex = numkeysIndex + numkeys + 1;
  if (whereIndex >= argv.length) throw new ReplyError(Errors.syntax);
  const where = argv[whereIndex] as string;
  let end: End;
  if (isOption(where, 'min')) end = 'min';
  else if (isOption(where, 'max')) end = 'max';
  else throw new ReplyError(Errors.syntax);
  let count = -1;
  for (let j = whereIndex + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && isOption(argv[j], 'count') && more > 0) {
      j++;
      count = parseAtLeastOne(argv[j] as string, 'count should be greater than 0');
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  if (count === -1) count = 1;
  return { keys: argv.slice(numkeysIndex + 1, numkeysIndex + 1 + numkeys), end, count };
}

const MPOP_SHAPE: PopShape = { emitKey: true, nested: true, nullWhenEmpty: true };

function propagatePop(ctx: CommandContext, key: string, args: MpopArgs): void {
  ctx.propagateAs([args.end === 'min' ? 'ZPOPMIN' : 'ZPOPMAX', key, String(args.count)]);
}

function zmpop(ctx: CommandContext, argv: string[]): void {
  const args = parseMpop(argv, 1);
  const found = firstZset(ctx, args.keys);
  if (found === undefined) {
    ctx.reply.nullArray();
    return;
  }
  popFrom(ctx, found[0], found[1], args.end, args.count, MPOP_SHAPE);
  propagatePop(ctx, found[0], args);
}

function bzmpop(ctx: CommandContext, argv: string[]): void {
  // Redis reads numkeys, MIN|MAX and COUNT before the timeout.
  const args = parseMpop(argv, 2);
  const timeoutAtMs = blockTimeoutAtMsFromSeconds(argv[1] as string, ctx.nowMs);
  const found = firstZset(ctx, args.keys);
  if (found !== undefined) {
    popFrom(ctx, found[0], found[1], args.end, args.count, MPOP_SHAPE);
    propagatePop(ctx, found[0], args);
    return;
  }
  if (!ctx.mayBlock) {
    ctx.reply.nullArray();
    return;
  }
  ctx.block({ keys: args.keys, timeoutAtMs, onTimeout: (reply) => reply.nullArray() });
}

export const zpopCommands: readonly CommandDefinition[] = [
  { name: 'zpopmin', handler: (ctx, argv) => zpop(ctx, argv, 'min') },
  { name: 'zpopmax', handler: (ctx, argv) => zpop(ctx, argv, 'max') },
  { name: 'bzpopmin', handler: (ctx, argv) => bzpop(ctx, argv, 'min') },
  { name: 'bzpopmax', handler: (ctx, argv) => bzpop(ctx, argv, 'max') },
  { name: 'zmpop', handler: zmpop },
  { name: 'bzmpop', handler: bzmpop },
];
