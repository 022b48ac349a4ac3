import type { CommandContext, CommandDefinition } from '../context.js';
import { parseScanCursor } from '../keys/scan.js';
import { containerCursor, matchesScanPattern, parseContainerScanOptions } from './container-scan.js';
import { readSet } from './set-access.js';

/**
 * SSCAN key cursor [MATCH pattern] [COUNT count]: the cursor first, a missing key is an empty
 * scan, options only for an existing set, an intset whole with cursor 0.
 */
function sscan(ctx: CommandContext, argv: string[]): void {
  const cursor = parseScanCursor(argv[2] as string);
  const set = readSet(ctx, argv[1] as string);
  const reply = ctx.reply;
  if (set === undefined) {
    reply.array(2);
    reply.bulk('0');
    reply.array(0);
    return;
  }
  const options = parseContainerScanOptions(argv, 3);
  const out: string[] = [];
  let next = 0;
  const table = set.table;
  if (table === undefined) {
    for (const member of set.members) if (matchesScanPattern(options, member)) out.push(member);
  } else {
    next = table.scan(containerCursor(cursor), options.count, (slot) => {
      const member = table.members[slot] as string;
      if (matchesScanPattern(options, member)) out.push(member);
    });
  }
  reply.array(2);
  reply.bulk(String(next));
  reply.bulkArray(out);
}

export const scanMemberCommands: readonly CommandDefinition[] = [{ name: 'sscan', handler: sscan }];
