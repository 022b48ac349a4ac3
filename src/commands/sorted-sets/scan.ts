import { formatDouble17g } from '../../resp/format-double.js';
import type { CommandDefinition } from '../context.js';
import { matchesScanPattern } from '../scan-args.js';
import { containerScanCommand } from '../sets/container-scan.js';
import { readZset } from './common.js';

/**
 * ZSCAN key cursor [MATCH pattern] [COUNT count]: a listpack comes back whole with cursor 0, a
 * skiplist set is walked with its own scan cursors. Scores are bulk strings in both protocols
 * (Redis builds the reply as a list of strings). COUNT is
 * clamped to 1,000,000 per step (the flow is containerScanCommand's).
 */
const zscan = containerScanCommand(readZset, (zset, cursor, options, out) => {
  const visit = (member: string, score: number): void => {
    if (matchesScanPattern(options, member)) out.push(member, formatDouble17g(score));
  };
  if (zset.isListpack) {
    for (const [member, score] of zset.entries()) visit(member, score);
    return 0;
  }
  return zset.scanStep(cursor, Math.min(options.count, 1_000_000), visit);
});

export const zscanCommands: readonly CommandDefinition[] = [{ name: 'zscan', handler: zscan }];
