import { ReplyError } from '../../lib/errors.js';
import { lexRangeRanks, parseLexRange, parseScoreRange, scoreRangeRanks } from '../../keyspace/types/zset/ranges.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { ZsetErrors, readZset } from './common.js';

/** ZSCORE ZMSCORE ZCARD ZCOUNT ZLEXCOUNT ZRANK ZREVRANK. */

function zscore(ctx: CommandContext, argv: string[]): void {
  const score = readZset(ctx, argv[1] as string)?.score(argv[2] as string);
  if (score === undefined) ctx.reply.null();
  else ctx.reply.double(score);
}

function zmscore(ctx: CommandContext, argv: string[]): void {
  const zset = readZset(ctx, argv[1] as string);
  ctx.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const score = zset?.score(argv[i] as string);
    if (score === undefined) ctx.reply.null();
    else ctx.reply.double(score);
  }
}

function zcard(ctx: CommandContext, argv: string[]): void {
  ctx.reply.integer(readZset(ctx, argv[1] as string)?.size ?? 0);
}

function zcount(ctx: CommandContext, argv: string[]): void {
  const range = parseScoreRange(argv[2] as string, argv[3] as string);
  if (range === null) throw new ReplyError(ZsetErrors.notFloatRange);
  const zset = readZset(ctx, argv[1] as string);
  if (zset === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const [start, end] = scoreRangeRanks(zset, range);
  ctx.reply.integer(end - start);
}

function zlexcount(ctx: CommandContext, argv: string[]): void {
  const range = parseLexRange(argv[2] as string, argv[3] as string);
  if (range === null) throw new ReplyError(ZsetErrors.notLexRange);
  const zset = readZset(ctx, argv[1] as string);
  if (zset === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const [start, end] = lexRangeRanks(zset, range);
  ctx.reply.integer(end - start);
}

function zrank(ctx: CommandContext, argv: string[], reverse: boolean): void {
  const zset = readZset(ctx, argv[1] as string);
  const rank = zset === undefined ? -1 : zset.rank(argv[2] as string);
  if (zset === undefined || rank === -1) ctx.reply.null();
  else ctx.reply.integer(reverse ? zset.size - 1 - rank : rank);
}

export const zreadCommands: readonly CommandDefinition[] = [
  { name: 'zscore', handler: zscore },
  { name: 'zmscore', handler: zmscore },
  { name: 'zcard', handler: zcard },
  { name: 'zcount', handler: zcount },
  { name: 'zlexcount', handler: zlexcount },
  { name: 'zrank', handler: (ctx, argv) => zrank(ctx, argv, false) },
  { name: 'zrevrank', handler: (ctx, argv) => zrank(ctx, argv, true) },
];
