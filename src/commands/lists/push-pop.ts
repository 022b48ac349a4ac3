import { Errors, ReplyError } from '../../lib/errors.js';
import type { ListValue } from '../../keyspace/types/list/list-value.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { parseSafeInt } from '../parse.js';
import { type End, deleteIfEmpty, endEvent, popEnd, readList, writeList, writeListOrCreate } from './list-access.js';

/** LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN. */

const POP_COUNT_ERROR = 'ERR value is out of range, must be positive';

function pushGeneric(ctx: CommandContext, argv: string[], end: End, onlyIfExists: boolean): void {
  const key = argv[1] as string;
  let list: ListValue | undefined;
  if (onlyIfExists) {
    list = writeList(ctx, key);
    if (list === undefined) {
      ctx.reply.integer(0);
      return;
    }
  } else {
    list = writeListOrCreate(ctx, key);
  }
  if (end === 'left') for (let i = 2; i < argv.length; i++) list.pushFront(argv[i] as string);
  else for (let i = 2; i < argv.length; i++) list.pushBack(argv[i] as string);
  list.settle();
  ctx.dirty(argv.length - 2);
  notify(ctx, 'l', endEvent(end, 'push'), key);
  ctx.reply.integer(list.size);
}

/**
 * Pops up to `count` elements and replies with them as an array, in pop order. The caller
 * deletes the key if it became empty. Returns how many were popped.
 */
export function popCountAndReply(ctx: CommandContext, list: ListValue, end: End, count: number): number {
  const popped = Math.min(count, list.size);
  ctx.reply.array(popped);
  for (let i = 0; i < popped; i++) ctx.reply.bulk(popEnd(list, end));
  return popped;
}

function popGeneric(ctx: CommandContext, argv: string[], end: End): void {
  if (argv.length > 3) throw new ReplyError(Errors.wrongArity((argv[0] as string).toLowerCase()));
  const key = argv[1] as string;
  const hasCount = argv.length === 3;
  let count = 0;
  if (hasCount) {
    count = parseSafeInt(argv[2] as string, POP_COUNT_ERROR);
    if (count < 0) throw new ReplyError(POP_COUNT_ERROR);
  }
  const list = writeList(ctx, key);
  if (list === undefined) {
    if (hasCount) ctx.reply.nullArray();
    else ctx.reply.null();
    return;
  }
  if (!hasCount) {
    ctx.reply.bulk(popEnd(list, end));
    ctx.dirty();
  } else {
    if (count === 0) {
      ctx.reply.array(0);
      return;
    }
    ctx.dirty(popCountAndReply(ctx, list, end, count));
  }
  notify(ctx, 'l', endEvent(end, 'pop'), key);
  deleteIfEmpty(ctx, key, list);
}

function llen(ctx: CommandContext, argv: string[]): void {
  ctx.reply.integer(readList(ctx, argv[1] as string)?.size ?? 0);
}

export const pushPopCommands: readonly CommandDefinition[] = [
  { name: 'lpush', handler: (ctx, argv) => pushGeneric(ctx, argv, 'left', false) },
  { name: 'rpush', handler: (ctx, argv) => pushGeneric(ctx, argv, 'right', false) },
  { name: 'lpushx', handler: (ctx, argv) => pushGeneric(ctx, argv, 'left', true) },
  { name: 'rpushx', handler: (ctx, argv) => pushGeneric(ctx, argv, 'right', true) },
  { name: 'lpop', handler: (ctx, argv) => popGeneric(ctx, argv, 'left') },
  { name: 'rpop', handler: (ctx, argv) => popGeneric(ctx, argv, 'right') },
  { name: 'llen', handler: llen },
];
