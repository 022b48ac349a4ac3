import { globMatch } from '../../keyspace/glob.js';
import { formatDouble17g } from '../../resp/format-double.js';
import { Errors, ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { parseScanCursor } from '../keys/scan.js';
import { isOption, parseInt64 } from '../parse.js';
import { readZset } from './common.js';

/**
 * ZSCAN key cursor [MATCH pattern] [COUNT count]. A listpack-encoded set comes back whole with
 * cursor 0, as in Redis; a large one in steps of COUNT elements. Scores are bulk strings in
 * both protocols (Redis builds the reply as a list of strings).
 */
function zscan(ctx: CommandContext, argv: string[]): void {
  const cursorValue = parseScanCursor(argv[2] as string);
  // Redis looks the key up before reading the options: a missing key ignores bad options.
  const zset = readZset(ctx, argv[1] as string);
  if (zset === undefined) {
    ctx.reply.array(2);
    ctx.reply.bulk('0');
    ctx.reply.array(0);
    return;
  }
  let count = 10;
  let pattern: string | undefined;
  for (let i = 3; i < argv.length; i++) {
    const arg = argv[i] as string;
    const hasValue = i + 1 < argv.length;
    if (isOption(arg, 'count') && hasValue) {
      const parsed = parseInt64(argv[++i] as string);
      if (parsed < 1n) throw new ReplyError(Errors.syntax);
      count = parsed > 1_000_000n ? 1_000_000 : Number(parsed);
    } else if (isOption(arg, 'match') && hasValue) {
      pattern = argv[++i] as string;
      if (pattern === '*') pattern = undefined;
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  const items: string[] = [];
  const visit = (member: string, score: number): void => {
    if (pattern !== undefined && !globMatch(pattern, member)) return;
    items.push(member, formatDouble17g(score));
  };
  let next = 0;
  if (zset.isListpack) for (const [member, score] of zset.entries()) visit(member, score);
  else next = zset.scanStep(cursorValue > BigInt(Number.MAX_SAFE_INTEGER) ? 0 : Number(cursorValue), count, visit);
  ctx.reply.array(2);
  ctx.reply.bulk(String(next));
  ctx.reply.bulkArray(items);
}

export const zscanCommands: readonly CommandDefinition[] = [{ name: 'zscan', handler: zscan }];
