import type { StoredValue } from '../../keyspace/stored-value.js';
import type { Database } from '../../keyspace/database.js';
import { Errors, ReplyError } from '../../lib/errors.js';
import type { CommandContext } from '../context.js';
import { notifyEvent } from '../notify.js';
import { parseInt64 } from '../parse.js';

/**
 * A read that leaves the access clock alone (Redis's LOOKUP_NOTOUCH: TYPE, EXISTS, TTL, OBJECT)
 * but still counts INFO keyspace_hits/keyspace_misses, as lookupKeyReadWithFlags does.
 */
export function lookupReadNoTouch(ctx: CommandContext, key: string, db: Database = ctx.db, notifyMiss = true): StoredValue | undefined {
  const value = db.peek(key);
  if (value === undefined) {
    ctx.server.stats.keyspaceMisses++;
    if (notifyMiss) notifyEvent(ctx.server, db.id, 'm', 'keymiss', key);
  } else {
    ctx.server.stats.keyspaceHits++;
  }
  return value;
}

/**
 * A directive's value, or `fallback` when this build has no such directive yet (the config
 * table grows with the issues that implement each directive).
 */
export function configValueOr(ctx: CommandContext, name: string, fallback: string): string {
  const found = ctx.server.config.get([name]);
  return found.length > 0 && found[0] !== undefined ? found[0][1] : fallback;
}

export function clusterEnabled(ctx: CommandContext): boolean {
  return configValueOr(ctx, 'cluster-enabled', 'no') === 'yes';
}

/**
 * Redis's getIntFromObjectOrReply without a custom message: not an integer, then outside the C
 * int range, are two different errors.
 */
export function parseIntArgument(text: string): number {
  const value = parseInt64(text);
  if (value < -2147483648n || value > 2147483647n) {
    throw new ReplyError('ERR value is out of range, value must between -2147483648 and 2147483647');
  }
  return Number(value);
}

/** A DB index argument (COPY DB, MOVE): an int, then in range, with Redis's errors. */
export function parseDbIndex(ctx: CommandContext, text: string): Database {
  const index = parseIntArgument(text);
  const db = ctx.keyspace.databases[index];
  if (index < 0 || db === undefined) throw new ReplyError(Errors.dbIndexOutOfRange);
  return db;
}
