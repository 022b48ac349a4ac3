import type { CommandDefinition } from '../context.js';
import { matchesScanPattern } from '../scan-args.js';
import { containerScanCommand } from '../sets/container-scan.js';
import { readHash } from './hash-access.js';

/**
 * HSCAN key cursor [MATCH pattern] [COUNT count]: a listpack comes back whole with cursor 0, a
 * hashtable is walked with MemberTable's cursor (the flow is containerScanCommand's).
 */
const hscan = containerScanCommand(readHash, (hash, cursor, options, out) => {
  const table = hash.table;
  if (table === undefined) {
    hash.forEach((field, value) => {
      if (matchesScanPattern(options, field)) out.push(field, value);
    });
    return 0;
  }
  return table.scan(cursor, options.count, (slot) => {
    const field = table.members[slot] as string;
    if (matchesScanPattern(options, field)) out.push(field, table.values[slot] as string);
  });
});

export const scanFieldCommands: readonly CommandDefinition[] = [{ name: 'hscan', handler: hscan }];
