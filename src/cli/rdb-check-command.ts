import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { checkRdb } from '../persistence/rdb/rdb-check.js';

/** `tessera rdb check FILE`: prints the report; exit code 0 when the file is good, 1 otherwise. */
export function runRdbCheck(path: string): number {
  let buffer: Buffer;
  try {
    buffer = readFileSync(path);
  } catch (error) {
    process.stdout.write(`Cannot open RDB file ${path}: ${(error as Error).message}\n`);
    return 1;
  }
  const result = checkRdb(buffer, basename(path), Date.now());
  process.stdout.write(result.lines.join('\n') + '\n');
  return result.ok ? 0 : 1;
}
