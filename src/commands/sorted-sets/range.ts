import { Errors, ReplyError } from '../../lib/errors.js';
import { lexRangeRanks, parseLexRange, parseScoreRange, scoreRangeRanks, type LexRange, type ScoreRange } from '../../keyspace/types/zset/ranges.js';
import { SortedSet } from '../../keyspace/types/zset/sorted-set.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { lookupRead } from '../lookup.js';
import { isOption, parseSafeInt } from '../parse.js';
import { MemberReply, ZsetErrors, zsetLimits } from './common.js';

type RangeKind = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

interface RangeCommand {
  /** Index of the source key (ZRANGESTORE: 2). */
  keyIndex: number;
  store: boolean;
  kind: RangeKind;
  direction: Direction;
}

/** Where the selected elements go: the client, or a new set (ZRANGESTORE). */
interface RangeSink {
  begin(count: number): void;
  add(member: string, score: number): void;
  end(count: number): void;
}

/** Redis's zrangeGenericCommand: ZRANGE and all its older forms, and ZRANGESTORE. */
function zrangeGeneric(ctx: CommandContext, argv: string[], command: RangeCommand): void {
  let { kind, direction } = command;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = command.keyIndex + 3; j < argv.length; j++) {
    const arg = argv[j] as string;
    const left = argv.length - j - 1;
    if (!command.store && isOption(arg, 'withscores')) withScores = true;
    else if (isOption(arg, 'limit') && left >= 2) {
      offset = parseSafeInt(argv[j + 1] as string);
      limit = parseSafeInt(argv[j + 2] as string);
      j += 2;
    } else if (direction === 'auto' && isOption(arg, 'rev')) direction = 'reverse';
    else if (kind === 'auto' && isOption(arg, 'bylex')) kind = 'lex';
    else if (kind === 'auto' && isOption(arg, 'byscore')) kind = 'score';
    else throw new ReplyError(Errors.syntax);
  }
  if (direction === 'auto') direction = 'forward';
  if (kind === 'auto') kind = 'rank';
  if (limit !== -1 && kind === 'rank') throw new ReplyError('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  if (withScores && kind === 'lex') throw new ReplyError('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  const reverse = direction === 'reverse';
  let minText = argv[command.keyIndex + 1] as string;
  let maxText = argv[command.keyIndex + 2] as string;
  if (reverse && kind !== 'rank') [minText, maxText] = [maxText, minText];

  let rankStart = 0;
  let rankEnd = 0;
  let scoreRange: ScoreRange | null = null;
  let lexRange: LexRange | null = null;
  if (kind === 'rank') {
    rankStart = parseSafeInt(minText);
    rankEnd = parseSafeInt(maxText);
  } else if (kind === 'score') {
    scoreRange = parseScoreRange(minText, maxText);
    if (scoreRange === null) throw new ReplyError(ZsetErrors.notFloatRange);
  } else {
    lexRange = parseLexRange(minText, maxText);
    if (lexRange === null) throw new ReplyError(ZsetErrors.notLexRange);
  }

  const value = lookupRead(ctx, argv[command.keyIndex] as string);
  if (value !== undefined && !(value instanceof SortedSet)) throw new ReplyError(Errors.wrongType);
  const sink = command.store ? storeSink(ctx, argv[1] as string) : clientSink(ctx, withScores);
  if (value === undefined) {
    if (command.store) {
      sink.begin(-1);
      sink.end(0);
    } else {
      ctx.reply.array(0);
    }
    return;
  }
  const zset = value;
  let first: number;
  let count: number;
  if (kind === 'rank') {
    [first, count] = rankWindow(zset.size, rankStart, rankEnd);
    if (reverse) first = zset.size - 1 - first;
  } else {
    const [start, end] = scoreRange !== null ? scoreRangeRanks(zset, scoreRange) : lexRangeRanks(zset, lexRange as LexRange);
    if (offset < 0 || (offset > 0 && offset >= zset.size)) count = 0;
    else count = Math.max(0, end - start - offset);
    if (limit >= 0) count = Math.min(count, limit);
    first = reverse ? end - 1 - offset : start + offset;
  }
  sink.begin(count);
  zset.walk(first, count, reverse, (member, score) => sink.add(member, score));
  sink.end(count);
}

/** [first rank, count] of a ZRANGE start..end (negative from the end), as Redis clamps it. */
export function rankWindow(length: number, start: number, end: number): [number, number] {
  if (start < 0) start += length;
  if (end < 0) end += length;
  if (start < 0) start = 0;
  if (start > end || start >= length) return [0, 0];
  if (end >= length) end = length - 1;
  return [start, end - start + 1];
}

function clientSink(ctx: CommandContext, withScores: boolean): RangeSink {
  const reply = new MemberReply(ctx, withScores);
  return { begin: (count) => reply.begin(count), add: (member, score) => reply.add(member, score), end: () => undefined };
}

/** ZRANGESTORE's destination: zsetTypeCreate(length or 0), then plain adds. */
function storeSink(ctx: CommandContext, destination: string): RangeSink {
  const limits = zsetLimits(ctx);
  let result: SortedSet | null = null;
  return {
    begin: (count) => {
      result = SortedSet.create(count >= 0 ? count : 0, 0, limits);
    },
    add: (member, score) => result?.set(member, score, limits),
    end: (count) => {
      if (result !== null && count > 0) {
        ctx.db.set(destination, result);
        ctx.dirty();
        notify(ctx, 'z', 'zrangestore', destination);
      } else if (ctx.db.delete(destination) !== undefined) {
        ctx.dirty();
        notify(ctx, 'g', 'del', destination);
      }
      ctx.reply.integer(count);
    },
  };
}

const range = (keyIndex: number, store: boolean, kind: RangeKind, direction: Direction) => (ctx: CommandContext, argv: string[]) =>
  zrangeGeneric(ctx, argv, { keyIndex, store, kind, direction });

export const zrangeCommands: readonly CommandDefinition[] = [
  { name: 'zrange', handler: range(1, false, 'auto', 'auto') },
  { name: 'zrangestore', handler: range(2, true, 'auto', 'auto') },
  { name: 'zrevrange', handler: range(1, false, 'rank', 'reverse') },
  { name: 'zrangebyscore', handler: range(1, false, 'score', 'forward') },
  { name: 'zrevrangebyscore', handler: range(1, false, 'score', 'reverse') },
  { name: 'zrangebylex', handler: range(1, false, 'lex', 'forward') },
  { name: 'zrevrangebylex', handler: range(1, false, 'lex', 'reverse') },
];
