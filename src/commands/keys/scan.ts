import { globMatch } from '../../keyspace/glob.js';
import { typeOfValue } from '../../keyspace/stored-value.js';
import { ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { parseContainerScanOptions } from '../sets/container-scan.js';

/**
 * A SCAN cursor with C strtoul's rules, as Redis parses it: optional leading '+' or '-' (which
 * negates), decimal digits, nothing after; "" is 0. A leading space or an overflow is an error.
 * Returns the cursor as a bigint (a negative one wraps around, as unsigned long does).
 */
export function parseScanCursor(text: string): bigint {
  const invalid = () => new ReplyError('ERR invalid cursor');
  if (text.length === 0) return 0n;
  if (/^[ \t\n\v\f\r]/.test(text)) throw invalid();
  const match = /^([+-]?)(\d+)$/.exec(text);
  if (match === null) {
    // strtoul takes a bare sign as "no number": eptr then points at the sign itself.
    throw invalid();
  }
  const magnitude = BigInt(match[2] as string);
  const ULONG_MAX = 18446744073709551615n;
  if (magnitude > ULONG_MAX) throw invalid();
  return match[1] === '-' ? (ULONG_MAX + 1n - magnitude) & ULONG_MAX : magnitude;
}

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
