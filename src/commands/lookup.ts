import { Errors, ReplyError } from '../lib/errors.js';
import { isStringValue, type StoredValue } from '../keyspace/stored-value.js';
import type { RawString } from '../keyspace/raw-string.js';
import type { CommandContext } from './context.js';
import { notify } from './notify.js';

/**
 * Key lookups for handlers. Reads count INFO keyspace_hits/keyspace_misses (Redis counts them
 * in lookupKeyRead); writes do not. All lookups expire a key lazily and stamp its access clock.
 */
export function lookupRead(ctx: CommandContext, key: string): StoredValue | undefined {
  const value = ctx.db.lookup(key);
  if (value === undefined) {
    ctx.server.stats.keyspaceMisses++;
    notify(ctx, 'm', 'keymiss', key);
  } else {
    ctx.server.stats.keyspaceHits++;
  }
  return value;
}

export function lookupWrite(ctx: CommandContext, key: string): StoredValue | undefined {
  return ctx.db.lookup(key);
}

/** A string value for reading, undefined when missing, WRONGTYPE for other types. */
export function readString(ctx: CommandContext, key: string): string | RawString | undefined {
  const value = lookupRead(ctx, key);
  if (value === undefined) return undefined;
  if (!isStringValue(value)) throw new ReplyError(Errors.wrongType);
  return value;
}
