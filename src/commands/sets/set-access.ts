import { SetValue } from '../../keyspace/types/set/set-value.js';
import { Errors, ReplyError } from '../../lib/errors.js';
import type { CommandContext } from '../context.js';
import { lookupRead, lookupWrite } from '../lookup.js';
import { derivedFromConfig } from '../config-derived.js';

/** A set for reading: undefined when missing, WRONGTYPE for other types. Counts hits/misses. */
export function readSet(ctx: CommandContext, key: string): SetValue | undefined {
  const value = lookupRead(ctx, key);
  if (value === undefined) return undefined;
  if (!(value instanceof SetValue)) throw new ReplyError(Errors.wrongType);
  return value;
}

/** A set for writing: undefined when missing, WRONGTYPE for other types. */
export function writeSet(ctx: CommandContext, key: string): SetValue | undefined {
  const value = lookupWrite(ctx, key);
  if (value === undefined) return undefined;
  if (!(value instanceof SetValue)) throw new ReplyError(Errors.wrongType);
  return value;
}

/** set-max-intset-entries. */
export function maxIntsetEntries(ctx: CommandContext): number {
  return cachedMaxIntsetEntries(ctx.server.config);
}

const cachedMaxIntsetEntries = derivedFromConfig((config) => config.number('set-max-intset-entries'));

/** Writes members as a RESP3 set (RESP2 array). */
export function replyMembers(ctx: CommandContext, members: readonly string[]): void {
  ctx.reply.set(members.length);
  for (const member of members) ctx.reply.bulk(member);
}
