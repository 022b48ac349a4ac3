import type { CommandDefinition } from '../context.js';
import { matchesScanPattern } from '../scan-args.js';
import { containerScanCommand } from './container-scan.js';
import { readSet } from './set-access.js';

/**
 * SSCAN key cursor [MATCH pattern] [COUNT count]: an intset comes back whole with cursor 0, a
 * hashtable is walked with MemberTable's cursor (the flow is containerScanCommand's).
 */
const sscan = containerScanCommand(readSet, (set, cursor, options, out) => {
  const table = set.table;
  if (table === undefined) {
    for (const member of set.members) if (matchesScanPattern(options, member)) out.push(member);
    return 0;
  }
  return table.scan(cursor, options.count, (slot) => {
    const member = table.members[slot] as string;
    if (matchesScanPattern(options, member)) out.push(member);
  });
});

export const scanMemberCommands: readonly CommandDefinition[] = [{ name: 'sscan', handler: sscan }];
