import { typeOfValue } from '../../keyspace/stored-value.js';
import { RdbFileReader } from './rdb-file-reader.js';
import { RdbFormatError } from './rdb-format-error.js';

export interface RdbCheckResult {
  readonly ok: boolean;
  /** The report, line by line (like redis-check-rdb's). */
  readonly lines: string[];
}

/** A bound on the loop: every item takes at least one byte of the file. */

/**
 * `tessera rdb check FILE` (redis-check-rdb): reads the whole file through the loader's reader
 * and reports what it holds, or where and why it breaks (byte offset, key, reason). `nowMs`
 * only serves to count keys already expired.
 */
export function checkRdb(buffer: Buffer, name: string, nowMs: number): RdbCheckResult {
  const lines: string[] = [`[offset 0] Checking RDB file ${name}`];
  let keys = 0;
  let expires = 0;
  let alreadyExpired = 0;
  let functions = 0;
  const perType = new Map<string, number>();
  const perDb = new Map<number, number>();
  let lastKey: string | undefined;
  let reader: RdbFileReader | undefined;
  try {
    reader = new RdbFileReader(buffer);
    lines.push(`[offset 9] RDB version ${reader.version}`);
    for (let i = 0; i <= buffer.length; i++) {
      const at = reader.offset;
      const item = reader.next();
      if (item === null) break;
      switch (item.kind) {
        case 'aux':
          lines.push(`[offset ${at}] AUX FIELD ${item.name} = '${item.value}'`);
          break;
        case 'selectDb':
          lines.push(`[offset ${at}] Selecting DB ID ${item.dbIndex}`);
          break;
        case 'resizeDb':
          lines.push(`[offset ${at}] RESIZEDB: ${item.keyCount} keys, ${item.expiresCount} expires`);
          break;
        case 'function':
          functions++;
          lines.push(`[offset ${at}] Function library (${item.code.length} bytes)`);
          break;
        case 'entry': {
          keys++;
          lastKey = item.key;
          const type = typeOfValue(item.value);
          perType.set(type, (perType.get(type) ?? 0) + 1);
          perDb.set(item.dbIndex, (perDb.get(item.dbIndex) ?? 0) + 1);
          if (item.expireAtMs !== undefined) {
            expires++;
            if (item.expireAtMs < nowMs) alreadyExpired++;
          }
          break;
        }
        case 'end':
          lines.push(`[offset ${reader.offset}] Checksum OK`);
          lines.push(`[offset ${reader.offset}] \\o/ RDB looks OK! \\o/`);
          break;
      }
    }
  } catch (error) {
    const offset = error instanceof RdbFormatError ? error.offset : (reader?.offset ?? 0);
    lines.push('--- RDB ERROR DETECTED ---');
    const reason = error instanceof RdbFormatError ? error.reason : error instanceof Error ? error.message : String(error);
    lines.push(`[offset ${offset}] ${reason}`);
    const key = error instanceof RdbFormatError ? error.key : undefined;
    if (key !== undefined) lines.push(`[additional info] Reading key '${printable(key)}'`);
    else if (lastKey !== undefined) lines.push(`[additional info] Last key read: '${printable(lastKey)}'`);
    lines.push(...summary(keys, expires, alreadyExpired, functions, perType, perDb));
    return { ok: false, lines };
  }
  lines.push(...summary(keys, expires, alreadyExpired, functions, perType, perDb));
  return { ok: true, lines };
}

function summary(keys: number, expires: number, alreadyExpired: number, functions: number, perType: Map<string, number>, perDb: Map<number, number>): string[] {
  const out = [`[info] ${keys} keys read`, `[info] ${expires} expires`, `[info] ${alreadyExpired} already expired`];
  if (functions > 0) out.push(`[info] ${functions} function libraries`);
  for (const [type, count] of [...perType].sort()) out.push(`[info] ${count} ${type} keys`);
  for (const [db, count] of [...perDb].sort((a, b) => a[0] - b[0])) out.push(`[info] db ${db}: ${count} keys`);
  return out;
}

/** A key as text for the report: printable ASCII as is, other bytes as \xHH. */
function printable(key: string): string {
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    out += c >= 32 && c < 127 && c !== 92 ? key[i] : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return out;
}
