import { ReplyError } from '../../lib/errors.js';
import { lexRangeRanks, parseLexRange, parseScoreRange, scoreRangeRanks } from '../../keyspace/types/zset/ranges.js';
import type { SortedSet } from '../../keyspace/types/zset/sorted-set.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { parseSafeInt } from '../parse.js';
import { ZsetErrors, writeZset } from './common.js';
import { rankWindow } from './range.js';

/** ZREM ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX. */

function zrem(ctx: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const zset = writeZset(ctx, key);
  if (zset === undefined) {
    ctx.reply.integer(0);
    return;
  }
  let removed = 0;
  let keyRemoved = false;
  for (let i = 2; i < argv.length; i++) {
    if (zset.remove(argv[i] as string)) removed++;
    if (zset.size === 0) {
      ctx.db.delete(key);
      keyRemoved = true;
      break;
    }
  }
  if (removed > 0) {
    ctx.dirty(removed);
    notify(ctx, 'z', 'zrem', key);
  }
  if (keyRemoved) notify(ctx, 'g', 'del', key);
  ctx.reply.integer(removed);
}

/** Removes `count` elements from rank `first` on. */
function removeRanks(ctx: CommandContext, key: string, zset: SortedSet, first: number, count: number, event: string): void {
  const members: string[] = [];
  zset.walk(first, count, false, (member) => {
    members.push(member);
  });
  for (const member of members) zset.remove(member);
  if (members.length > 0) {
    ctx.dirty(members.length);
    notify(ctx, 'z', event, key);
  }
  if (zset.size === 0) {
    ctx.db.delete(key);
    notify(ctx, 'g', 'del', key);
  }
  ctx.reply.integer(members.length);
}

function zremrangeByRank(ctx: CommandContext, argv: string[]): void {
  const start = parseSafeInt(argv[2] as string);
  const end = parseSafeInt(argv[3] as string);
  const zset = writeZset(ctx, argv[1] as string);
  if (zset === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const [first, count] = rankWindow(zset.size, start, end);
  removeRanks(ctx, argv[1] as string, zset, first, count, 'zremrangebyrank');
}

function zremrangeByScore(ctx: CommandContext, argv: string[]): void {
  const range = parseScoreRange(argv[2] as string, argv[3] as string);
  if (range === null) throw new ReplyError(ZsetErrors.notFloatRange);
  const zset = writeZset(ctx, argv[1] as string);
  if (zset === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const [start, end] = scoreRangeRanks(zset, range);
  removeRanks(ctx, argv[1] as string, zset, start, end - start, 'zremrangebyscore');
}

function zremrangeByLex(ctx: CommandContext, argv: string[]): void {
  const range = parseLexRange(argv[2] as string, argv[3] as string);
  if (range === null) throw new ReplyError(ZsetErrors.notLexRange);
  const zset = writeZset(ctx, argv[1] as string);
  if (zset === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const [start, end] = lexRangeRanks(zset, range);
  removeRanks(ctx, argv[1] as string, zset, start, end - start, 'zremrangebylex');
}

export const zremCommands: readonly CommandDefinition[] = [
  { name: 'zrem', handler: zrem },
  { name: 'zremrangebyrank', handler: zremrangeByRank },
  { name: 'zremrangebyscore', handler: zremrangeByScore },
  { name: 'zremrangebylex', handler: zremrangeByLex },
];
