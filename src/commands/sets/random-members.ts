import { SetValue } from '../../keyspace/types/set/set-value.js';
import { Errors, ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { parseInt64 } from '../parse.js';
import { distinctRandomIndexes, parseRandomCount } from './random-picks.js';
import { maxIntsetEntries, readSet, replyMembers, writeSet } from './set-access.js';

/** SPOP SRANDMEMBER. Randomness comes from ctx.random; SPOP propagates as SREM (or DEL). */

/** Redis's SPOP_MOVE_STRATEGY_MUL: past count·5 > size, SPOP rebuilds the set from what stays. */
const SPOP_MOVE_STRATEGY_MUL = 5;

function spop(ctx: CommandContext, argv: string[]): void {
  if (argv.length === 3) {
    spopWithCount(ctx, argv);
    return;
  }
  if (argv.length > 3) throw new ReplyError(Errors.syntax);
  const key = argv[1] as string;
  const set = writeSet(ctx, key);
  if (set === undefined) {
    ctx.reply.null();
    return;
  }
  const member = set.randomMember((n) => ctx.random.int(n));
  set.delete(member);
  notify(ctx, 's', 'spop', key);
  if (set.size === 0) {
    ctx.db.delete(key);
    notify(ctx, 'g', 'del', key);
  }
  ctx.dirty();
  ctx.propagateAs(['SREM', key, member]);
  ctx.reply.bulk(member);
}

function spopWithCount(ctx: CommandContext, argv: string[]): void {
  const count = parseInt64(argv[2] as string, 'ERR value is out of range, must be positive');
  if (count < 0n) throw new ReplyError('ERR value is out of range, must be positive');
  const key = argv[1] as string;
  const set = writeSet(ctx, key);
  if (set === undefined || count === 0n) {
    ctx.reply.set(0);
    return;
  }
  const size = set.size;
  if (count >= BigInt(size)) {
    replyMembers(ctx, set.members);
    ctx.db.delete(key);
    ctx.dirty();
    notify(ctx, 's', 'spop', key);
    notify(ctx, 'g', 'del', key);
    ctx.propagateAs(['DEL', key]);
    return;
  }
  const wanted = Number(count);
  const members = set.members;
  let popped: string[];
  if (wanted * SPOP_MOVE_STRATEGY_MUL > size) {
    // Redis's CASE 3: the members that stay form a new set (setTypeCreate from the first one
    // kept, so a hashtable of integers can become an intset again); the rest is the reply.
    const keptIndexes = distinctRandomIndexes(ctx.random, size, size - wanted);
    const kept = new Set<number>(keptIndexes);
    const rebuilt = new SetValue(members[keptIndexes[0] as number] as string);
    const maxInts = maxIntsetEntries(ctx);
    for (const i of keptIndexes) rebuilt.add(members[i] as string, maxInts);
    popped = [];
    for (let i = 0; i < size; i++) if (!kept.has(i)) popped.push(members[i] as string);
    ctx.db.replace(key, rebuilt);
  } else {
    popped = distinctRandomIndexes(ctx.random, size, wanted).map((i) => members[i] as string);
    for (const member of popped) set.delete(member);
  }
  ctx.dirty(popped.length);
  notify(ctx, 's', 'spop', key);
  // Redis sends SREMs of up to 1024 members each; one SREM with them all has the same effect.
  ctx.propagateAs(['SREM', key, ...popped]);
  replyMembers(ctx, popped);
}

function srandmember(ctx: CommandContext, argv: string[]): void {
  if (argv.length === 3) {
    srandmemberWithCount(ctx, argv);
    return;
  }
  if (argv.length > 3) throw new ReplyError(Errors.syntax);
  const set = readSet(ctx, argv[1] as string);
  ctx.reply.bulk(set === undefined ? null : set.randomMember((n) => ctx.random.int(n)));
}

function srandmemberWithCount(ctx: CommandContext, argv: string[]): void {
  const count = parseRandomCount(argv[2] as string);
  const set = readSet(ctx, argv[1] as string);
  const reply = ctx.reply;
  if (set === undefined || count === 0n) {
    reply.array(0);
    return;
  }
  const members = set.members;
  const size = members.length;
  if (count < 0n) {
    const picks = Number(-count);
    reply.array(picks);
    for (let n = 0; n < picks; n++) reply.bulk(members[ctx.random.int(size)] as string);
    return;
  }
  if (count >= BigInt(size)) {
    reply.bulkArray(members);
    return;
  }
  const indexes = distinctRandomIndexes(ctx.random, size, Number(count));
  reply.array(indexes.length);
  for (const i of indexes) reply.bulk(members[i] as string);
}

export const randomMemberCommands: readonly CommandDefinition[] = [
  { name: 'spop', handler: spop },
  { name: 'srandmember', handler: srandmember },
];
