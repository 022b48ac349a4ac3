import { Errors, ReplyError } from '../../lib/errors.js';
import { ListValue } from '../../keyspace/types/list/list-value.js';
import type { CommandContext } from '../context.js';
import { notify } from '../notify.js';
import { lookupRead, lookupWrite } from '../lookup.js';
import { isOption } from '../parse.js';

/** Helpers shared by the list commands: typed lookups, LEFT/RIGHT, storing and deleting. */

/** The list at key for reading (counts hits/misses), undefined when missing, WRONGTYPE otherwise. */
export function readList(ctx: CommandContext, key: string): ListValue | undefined {
  const value = lookupRead(ctx, key);
  if (value === undefined) return undefined;
  if (!(value instanceof ListValue)) throw new ReplyError(Errors.wrongType);
  return value;
}

/** The list at key for writing, undefined when missing, WRONGTYPE for another type. */
export function writeList(ctx: CommandContext, key: string): ListValue | undefined {
  const value = lookupWrite(ctx, key);
  if (value === undefined) return undefined;
  if (!(value instanceof ListValue)) throw new ReplyError(Errors.wrongType);
  return value;
}

/** The list at key, created (and stored) when missing. */
export function writeListOrCreate(ctx: CommandContext, key: string): ListValue {
  const existing = writeList(ctx, key);
  if (existing !== undefined) return existing;
  const list = new ListValue();
  ctx.db.set(key, list);
  return list;
}

/** Redis deletes a list that became empty (keyspace event 'del', after the command's own event). */
export function deleteIfEmpty(ctx: CommandContext, key: string, list: ListValue): void {
  if (list.size === 0) {
    ctx.db.delete(key);
    notify(ctx, 'g', 'del', key);
  }
}

/** The keyspace event name of a pop or push at one end: lpop, rpop, lpush, rpush. */
export function endEvent(end: End, op: 'pop' | 'push'): string {
  // Constant strings: a concatenation would allocate one per push or pop.
  if (op === 'push') return end === 'left' ? 'lpush' : 'rpush';
  return end === 'left' ? 'lpop' : 'rpop';
}

export type End = 'left' | 'right';

/** Redis's getListPositionFromObjectOrReply: LEFT or RIGHT, any case, else a syntax error. */
export function parseEnd(arg: string): End {
  if (isOption(arg, 'right')) return 'right';
  if (isOption(arg, 'left')) return 'left';
  throw new ReplyError(Errors.syntax);
}

export function popEnd(list: ListValue, end: End): string {
  return (end === 'left' ? list.popFront() : list.popBack()) as string;
}

export function pushEnd(list: ListValue, end: End, value: string): void {
  if (end === 'left') list.pushFront(value);
  else list.pushBack(value);
}

/** Redis's range normalization (LRANGE, LTRIM): [start, stop] clipped, or null when empty. */
export function normalizeRange(start: number, stop: number, length: number): [number, number] | null {
  if (start < 0) start = length + start;
  if (stop < 0) stop = length + stop;
  if (start < 0) start = 0;
  if (start > stop || start >= length) return null;
  if (stop >= length) stop = length - 1;
  return [start, stop];
}
