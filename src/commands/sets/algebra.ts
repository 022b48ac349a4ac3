import { SetValue } from '../../keyspace/types/set/set-value.js';
import { ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { isOption, parseInt64 } from '../parse.js';
import { maxIntsetEntries, readSet, replyMembers } from './set-access.js';

/** SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE (Redis 7.0.15 order). */

/** Looks every key up (type-checking them all, as 7.0.15 does); a missing key is undefined. */
function readSets(ctx: CommandContext, keys: readonly string[]): Array<SetValue | undefined> {
  return keys.map((key) => readSet(ctx, key));
}

/** Members in all sets: walks the smallest, probes the others; stops at `limit` (0 = none). */
function intersect(sets: readonly SetValue[], limit: number): string[] {
  const bySize = [...sets].sort((a, b) => a.size - b.size);
  const [smallest, ...others] = bySize as [SetValue, ...SetValue[]];
  const out: string[] = [];
  for (const member of smallest.members) {
    if (others.every((set) => set.has(member))) {
      out.push(member);
      if (out.length === limit) break;
    }
  }
  return out;
}

function union(sets: ReadonlyArray<SetValue | undefined>): string[] {
  const seen = new Set<string>();
  for (const set of sets) if (set !== undefined) for (const member of set.members) seen.add(member);
  return [...seen];
}

function difference(sets: ReadonlyArray<SetValue | undefined>): string[] {
  const [first, ...others] = sets;
  if (first === undefined) return [];
  return first.members.filter((member) => !others.some((set) => set?.has(member) === true));
}

/** The *STORE result: a new set that starts as an intset (Redis's createIntsetObject). */
function store(ctx: CommandContext, destinationKey: string, members: readonly string[], event: string): void {
  if (members.length === 0) {
    if (ctx.db.delete(destinationKey) !== undefined) {
      ctx.dirty();
      notify(ctx, 'g', 'del', destinationKey);
    }
  } else {
    const result = new SetValue();
    const maxInts = maxIntsetEntries(ctx);
    for (const member of members) result.add(member, maxInts);
    ctx.db.set(destinationKey, result);
    ctx.dirty();
    notify(ctx, 's', event, destinationKey);
  }
  ctx.reply.integer(members.length);
}

function intersectionOf(ctx: CommandContext, keys: readonly string[], limit = 0): string[] {
  const sets = readSets(ctx, keys);
  if (sets.some((set) => set === undefined)) return [];
  return intersect(sets as SetValue[], limit);
}

function sinter(ctx: CommandContext, argv: string[]): void {
  replyMembers(ctx, intersectionOf(ctx, argv.slice(1)));
}

function sinterstore(ctx: CommandContext, argv: string[]): void {
  store(ctx, argv[1] as string, intersectionOf(ctx, argv.slice(2)), 'sinterstore');
}

function sintercard(ctx: CommandContext, argv: string[]): void {
  const numKeysMessage = 'ERR numkeys should be greater than 0';
  const numKeys = parseInt64(argv[1] as string, numKeysMessage);
  if (numKeys < 1n) throw new ReplyError(numKeysMessage);
  if (numKeys > BigInt(argv.length - 2)) throw new ReplyError("ERR Number of keys can't be greater than number of args");
  const keysEnd = 2 + Number(numKeys);
  let limit = 0;
  for (let i = keysEnd; i < argv.length; i++) {
    if (isOption(argv[i], 'limit') && i + 1 < argv.length) {
      const limitMessage = "ERR LIMIT can't be negative";
      const parsed = parseInt64(argv[++i] as string, limitMessage);
      if (parsed < 0n) throw new ReplyError(limitMessage);
      limit = parsed > BigInt(Number.MAX_SAFE_INTEGER) ? 0 : Number(parsed);
    } else {
      throw new ReplyError('ERR syntax error');
    }
  }
  ctx.reply.integer(intersectionOf(ctx, argv.slice(2, keysEnd), limit).length);
}

function sunion(ctx: CommandContext, argv: string[]): void {
  replyMembers(ctx, union(readSets(ctx, argv.slice(1))));
}

function sunionstore(ctx: CommandContext, argv: string[]): void {
  store(ctx, argv[1] as string, union(readSets(ctx, argv.slice(2))), 'sunionstore');
}

function sdiff(ctx: CommandContext, argv: string[]): void {
  replyMembers(ctx, difference(readSets(ctx, argv.slice(1))));
}

function sdiffstore(ctx: CommandContext, argv: string[]): void {
  store(ctx, argv[1] as string, difference(readSets(ctx, argv.slice(2))), 'sdiffstore');
}

export const algebraCommands: readonly CommandDefinition[] = [
  { name: 'sinter', handler: sinter },
  { name: 'sintercard', handler: sintercard },
  { name: 'sinterstore', handler: sinterstore },
  { name: 'sunion', handler: sunion },
  { name: 'sunionstore', handler: sunionstore },
  { name: 'sdiff', handler: sdiff },
  { name: 'sdiffstore', handler: sdiffstore },
];
