import { Errors, ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { isOption, parseInt64, parseSafeInt } from '../parse.js';
import { deleteIfEmpty, normalizeRange, readList, writeList } from './list-access.js';

/** LRANGE LINDEX LSET LINSERT LREM LTRIM LPOS: commands that address elements by index or value. */

const RANK_ZERO_ERROR =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
const COUNT_NEGATIVE_ERROR = "ERR COUNT can't be negative";
const MAXLEN_NEGATIVE_ERROR = "ERR MAXLEN can't be negative";
const INDEX_OUT_OF_RANGE_ERROR = 'ERR index out of range';
const INT64_MIN = -9223372036854775808n;

function lrange(ctx: CommandContext, argv: string[]): void {
  const start = parseSafeInt(argv[2] as string);
  const stop = parseSafeInt(argv[3] as string);
  const list = readList(ctx, argv[1] as string);
  const range = list === undefined ? null : normalizeRange(start, stop, list.size);
  if (list === undefined || range === null) {
    ctx.reply.array(0);
    return;
  }
  const reply = ctx.reply;
  reply.array(range[1] - range[0] + 1);
  list.forRange(range[0], range[1], (value) => reply.bulk(value));
}

function lindex(ctx: CommandContext, argv: string[]): void {
  // Redis looks the key up before parsing the index: a missing key answers null either way.
  const list = readList(ctx, argv[1] as string);
  if (list === undefined) {
    ctx.reply.null();
    return;
  }
  let index = parseSafeInt(argv[2] as string);
  if (index < 0) index += list.size;
  if (index < 0 || index >= list.size) ctx.reply.null();
  else ctx.reply.bulk(list.at(index));
}

function lset(ctx: CommandContext, argv: string[]): void {
  const list = writeList(ctx, argv[1] as string);
  if (list === undefined) throw new ReplyError(Errors.noSuchKey);
  let index = parseSafeInt(argv[2] as string);
  if (index < 0) index += list.size;
  if (index < 0 || index >= list.size) throw new ReplyError(INDEX_OUT_OF_RANGE_ERROR);
  list.set(index, argv[3] as string);
  ctx.dirty();
  notify(ctx, 'l', 'lset', argv[1] as string);
  ctx.reply.ok();
}

function linsert(ctx: CommandContext, argv: string[]): void {
  let after: boolean;
  if (isOption(argv[2], 'after')) after = true;
  else if (isOption(argv[2], 'before')) after = false;
  else throw new ReplyError(Errors.syntax);
  const list = writeList(ctx, argv[1] as string);
  if (list === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const pivot = list.indexOf(argv[3] as string);
  if (pivot === -1) {
    ctx.reply.integer(-1);
    return;
  }
  list.insertAt(after ? pivot + 1 : pivot, argv[4] as string);
  ctx.dirty();
  notify(ctx, 'l', 'linsert', argv[1] as string);
  ctx.reply.integer(list.size);
}

function lrem(ctx: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const count = parseSafeInt(argv[2] as string);
  const list = writeList(ctx, key);
  if (list === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const removed = list.removeMatches(argv[3] as string, count);
  if (removed > 0) {
    ctx.dirty(removed);
    notify(ctx, 'l', 'lrem', key);
  }
  deleteIfEmpty(ctx, key, list);
  ctx.reply.integer(removed);
}

function ltrim(ctx: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const start = parseSafeInt(argv[2] as string);
  const stop = parseSafeInt(argv[3] as string);
  const list = writeList(ctx, key);
  if (list !== undefined) {
    const before = list.size;
    const range = normalizeRange(start, stop, before);
    if (range === null) list.clear();
    else list.trim(range[0], range[1]);
    ctx.dirty(before - list.size);
    notify(ctx, 'l', 'ltrim', key);
    deleteIfEmpty(ctx, key, list);
  }
  ctx.reply.ok();
}

/** A non-negative option value; a non-integer gets the same message as a negative one. */
function parseNonNegative(text: string, message: string): number {
  const value = parseSafeInt(text, message);
  if (value < 0) throw new ReplyError(message);
  return value;
}

function lpos(ctx: CommandContext, argv: string[]): void {
  let rank = 1;
  let count = -1; // -1: no COUNT option (reply a single index, not an array)
  let maxScan = 0;
  for (let j = 3; j < argv.length; j++) {
    const option = argv[j] as string;
    const hasValue = j + 1 < argv.length;
    if (hasValue && isOption(option, 'rank')) {
      const value = parseInt64(argv[++j] as string);
      if (value === 0n) throw new ReplyError(RANK_ZERO_ERROR);
      // RANK -2^63 cannot be negated in C: Redis then reports matches from the tail's first on.
      rank = value === INT64_MIN ? -1 : Number(value);
    } else if (hasValue && isOption(option, 'count')) {
      count = parseNonNegative(argv[++j] as string, COUNT_NEGATIVE_ERROR);
    } else if (hasValue && isOption(option, 'maxlen')) {
      maxScan = parseNonNegative(argv[++j] as string, MAXLEN_NEGATIVE_ERROR);
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  const list = readList(ctx, argv[1] as string);
  const positions =
    list === undefined
      ? []
      : list.positions(argv[2] as string, {
          fromTail: rank < 0,
          skip: Math.max(0, Math.abs(rank) - 1),
          limit: count === -1 ? 1 : count,
          maxScan,
        });
  if (count === -1) {
    const first = positions[0];
    if (first === undefined) ctx.reply.null();
    else ctx.reply.integer(first);
    return;
  }
  ctx.reply.array(positions.length);
  for (const position of positions) ctx.reply.integer(position);
}

export const positionalCommands: readonly CommandDefinition[] = [
  { name: 'lrange', handler: lrange },
  { name: 'lindex', handler: lindex },
  { name: 'lset', handler: lset },
  { name: 'linsert', handler: linsert },
  { name: 'lrem', handler: lrem },
  { name: 'ltrim', handler: ltrim },
  { name: 'lpos', handler: lpos },
];
