import type { CommandContext, CommandDefinition } from '../context.js';
import { parseScanCursor } from '../keys/scan.js';
import { containerCursor, matchesScanPattern, parseContainerScanOptions } from '../sets/container-scan.js';
import { readHash } from './hash-access.js';

/**
 * HSCAN key cursor [MATCH pattern] [COUNT count]. As in Redis: the cursor is checked first,
 * a missing key is an empty scan, options are parsed only for an existing hash, and a listpack
 * comes back whole with cursor 0. A hashtable is walked with MemberTable's cursor.
 */
function hscan(ctx: CommandContext, argv: string[]): void {
  const cursor = parseScanCursor(argv[2] as string);
  const hash = readHash(ctx, argv[1] as string);
  const reply = ctx.reply;
  if (hash === undefined) {
    reply.array(2);
    reply.bulk('0');
    reply.array(0);
    return;
  }
  const options = parseContainerScanOptions(argv, 3);
  const out: string[] = [];
  let next = 0;
  const table = hash.table;
  if (table === undefined) {
    hash.forEach((field, value) => {
      if (matchesScanPattern(options, field)) out.push(field, value);
    });
  } else {
    next = table.scan(containerCursor(cursor), options.count, (slot) => {
      const field = table.members[slot] as string;
      if (matchesScanPattern(options, field)) out.push(field, table.values[slot] as string);
    });
  }
  reply.array(2);
  reply.bulk(String(next));
  reply.bulkArray(out);
}

export const scanFieldCommands: readonly CommandDefinition[] = [{ name: 'hscan', handler: hscan }];
