import { globMatch } from '../../keyspace/glob.js';
import { typeOfValue } from '../../keyspace/stored-value.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { parseContainerScanOptions, parseScanCursor } from '../scan-args.js';


/**
 * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. A cursor names a live iterator kept by
 * the database (Database.scan), so every key present during the whole scan is returned.
 * Cursors therefore differ from Redis's; clients treat them as opaque. Filters run after the
 * step, as in Redis: pattern, then type, then expiry.
 */
function scan(ctx: CommandContext, argv: string[]): void {
  const cursor = parseScanCursor(argv[1] as string);
  const { count, pattern, typeName } = parseContainerScanOptions(argv, 2, true);
  const db = ctx.db;
  const found: string[] = [];
  // A cursor we never handed out (too big for one) restarts the scan: Database.scan's rule.
  const cursorNumber = cursor > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(cursor);
  const next = db.scan(cursorNumber, count, (key) => found.push(key));
  const keys: string[] = [];
  for (const key of found) {
    if (pattern !== undefined && !globMatch(pattern, key)) continue;
    if (typeName !== undefined) {
      // Redis looks the key up (counting a keyspace hit or miss); an expired key's type is "none".
      const value = db.peek(key);
      if (value === undefined) ctx.server.stats.keyspaceMisses++;
      else ctx.server.stats.keyspaceHits++;
      if ((value === undefined ? 'none' : typeOfValue(value)) !== typeName) continue;
      // TYPE none keeps an expired key: Redis's lookup just removed it, so its expiry check
      // that follows finds nothing to expire.
      if (value === undefined) {
        keys.push(key);
        continue;
      }
    }
    if (db.peek(key) === undefined) continue; // expired: removed now, not returned
    keys.push(key);
  }
  ctx.reply.array(2);
  ctx.reply.bulk(String(next));
  ctx.reply.bulkArray(keys);
}

export const scanCommands: readonly CommandDefinition[] = [{ name: 'scan', handler: scan }];
