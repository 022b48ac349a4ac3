import { Errors, ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { isOption, parseSafeInt } from '../parse.js';
import { type End, deleteIfEmpty, endEvent, parseEnd, popEnd, pushEnd, writeList, writeListOrCreate } from './list-access.js';
import { popCountAndReply } from './push-pop.js';

/** LMOVE RPOPLPUSH LMPOP, and the parts their blocking forms (blocking.ts) reuse. */

/**
 * Pops from source and pushes to destination, replying with the element. Returns false, with
 * nothing written, when the source is missing (callers reply null or block). WRONGTYPE for
 * either key is thrown before anything changes.
 */
export function moveElement(ctx: CommandContext, source: string, destination: string, from: End, to: End): boolean {
  const sourceList = writeList(ctx, source);
  if (sourceList === undefined) return false;
  const destinationList = source === destination ? sourceList : writeList(ctx, destination);
  const value = popEnd(sourceList, from);
  const target = destinationList ?? writeListOrCreate(ctx, destination);
  pushEnd(target, to, value);
  target.settle();
  // Redis's order: the push on the destination, the pop on the source, then its deletion.
  notify(ctx, 'l', endEvent(to, 'push'), destination);
  notify(ctx, 'l', endEvent(from, 'pop'), source);
  deleteIfEmpty(ctx, source, sourceList);
  ctx.dirty();
  ctx.reply.bulk(value);
  return true;
}

function lmove(ctx: CommandContext, argv: string[]): void {
  const from = parseEnd(argv[3] as string);
  const to = parseEnd(argv[4] as string);
  if (!moveElement(ctx, argv[1] as string, argv[2] as string, from, to)) ctx.reply.null();
}

function rpoplpush(ctx: CommandContext, argv: string[]): void {
  if (!moveElement(ctx, argv[1] as string, argv[2] as string, 'right', 'left')) ctx.reply.null();
}

export interface MpopRequest {
  keys: string[];
  end: End;
  count: number;
}

/** LMPOP/BLMPOP arguments from argv[numkeysIndex] on: numkeys, keys, LEFT|RIGHT, [COUNT n]. */
export function parseMpop(argv: readonly string[], numkeysIndex: number): MpopRequest {
  const numkeys = parseSafeInt(argv[numkeysIndex] as string, 'ERR numkeys should be greater than 0');
  if (numkeys < 1) throw new ReplyError('ERR numkeys should be greater than 0');
  const whereIndex = numkeysIndex + numkeys + 1;
  if (whereIndex >= argv.length) throw new ReplyError(Errors.syntax);
  const end = parseEnd(argv[whereIndex] as string);
  let count = -1;
  for (let j = whereIndex + 1; j < argv.length; j++) {
    if (count === -1 && isOption(argv[j], 'count') && j + 1 < argv.length) {
      count = parseSafeInt(argv[++j] as string, 'ERR count should be greater than 0');
      if (count < 1) throw new ReplyError('ERR count should be greater than 0');
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  return { keys: argv.slice(numkeysIndex + 1, whereIndex), end, count: count === -1 ? 1 : count };
}

/**
 * Pops from the first key holding a list: replies [key, [elements]] and propagates as
 * LPOP/RPOP key n. Returns false, with nothing written, when every key is missing. A key of
 * another type met before a list is WRONGTYPE.
 */
export function mpopFirst(ctx: CommandContext, request: MpopRequest): boolean {
  for (const key of request.keys) {
    const list = writeList(ctx, key);
    if (list === undefined) continue;
    ctx.reply.array(2);
    ctx.reply.bulk(key);
    const popped = popCountAndReply(ctx, list, request.end, request.count);
    ctx.dirty(popped);
    notify(ctx, 'l', endEvent(request.end, 'pop'), key);
    deleteIfEmpty(ctx, key, list);
    ctx.propagateAs([request.end === 'left' ? 'LPOP' : 'RPOP', key, String(popped)]);
    return true;
  }
  return false;
}

function lmpop(ctx: CommandContext, argv: string[]): void {
  if (!mpopFirst(ctx, parseMpop(argv, 1))) ctx.reply.nullArray();
}

export const moveCommands: readonly CommandDefinition[] = [
  { name: 'lmove', handler: lmove },
  { name: 'rpoplpush', handler: rpoplpush },
  { name: 'lmpop', handler: lmpop },
];
