import { HashValue, type HashLimits } from '../../keyspace/types/hash/hash-value.js';
import { Errors, ReplyError } from '../../lib/errors.js';
import type { CommandContext } from '../context.js';
import { notify } from '../notify.js';
import { lookupRead, lookupWrite } from '../lookup.js';
import { derivedFromConfig } from '../config-derived.js';

/** A hash for reading: undefined when missing, WRONGTYPE for other types. Counts hits/misses. */
export function readHash(ctx: CommandContext, key: string): HashValue | undefined {
  const value = lookupRead(ctx, key);
  if (value === undefined) return undefined;
  if (!(value instanceof HashValue)) throw new ReplyError(Errors.wrongType);
  return value;
}

/** A hash for writing: undefined when missing, WRONGTYPE for other types. */
export function writeHash(ctx: CommandContext, key: string): HashValue | undefined {
  const value = lookupWrite(ctx, key);
  if (value === undefined) return undefined;
  if (!(value instanceof HashValue)) throw new ReplyError(Errors.wrongType);
  return value;
}

/** Redis's hashTypeLookupWriteOrCreate: a new empty hash is stored at once. */
export function writeOrCreateHash(ctx: CommandContext, key: string): HashValue {
  const existing = writeHash(ctx, key);
  if (existing !== undefined) return existing;
  const created = new HashValue();
  ctx.db.set(key, created);
  return created;
}

export function hashLimits(ctx: CommandContext): HashLimits {
  return cachedHashLimits(ctx.server.config);
}

const cachedHashLimits = derivedFromConfig(
  (config): HashLimits => ({
    maxListpackEntries: config.number('hash-max-listpack-entries'),
    maxListpackValueBytes: config.number('hash-max-listpack-value'),
  }),
);

/** Removes the key when the hash became empty (Redis never keeps an empty container). */
export function deleteIfEmpty(ctx: CommandContext, key: string, hash: HashValue): void {
  if (hash.isEmpty) {
    ctx.db.delete(key);
    notify(ctx, 'g', 'del', key);
  }
}
