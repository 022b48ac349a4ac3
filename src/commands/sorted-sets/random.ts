import { Errors, ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { isOption, parseInt64 } from '../parse.js';
import { MemberReply, readZset } from './common.js';

const LONG_MAX = 9223372036854775807n;

/** ZRANDMEMBER key [count [WITHSCORES]], Redis's zrandmemberCommand. */
function zrandmember(ctx: CommandContext, argv: string[]): void {
  if (argv.length >= 3) {
    const parsed = parseInt64(argv[2] as string);
    if (parsed < -LONG_MAX) throw new ReplyError(`ERR value is out of range, value must between ${-LONG_MAX} and ${LONG_MAX}`);
    let withScores = false;
    if (argv.length > 4 || (argv.length === 4 && !isOption(argv[3], 'withscores'))) throw new ReplyError(Errors.syntax);
    if (argv.length === 4) {
      withScores = true;
      if (parsed < -LONG_MAX / 2n || parsed > LONG_MAX / 2n) throw new ReplyError('ERR value is out of range');
    }
    withCount(ctx, argv[1] as string, parsed, withScores);
    return;
  }
  const zset = readZset(ctx, argv[1] as string);
  if (zset === undefined) {
    ctx.reply.null();
    return;
  }
  ctx.reply.bulk(zset.at(ctx.random.int(zset.size))[0]);
}

function withCount(ctx: CommandContext, key: string, requested: bigint, withScores: boolean): void {
  const zset = readZset(ctx, key);
  if (zset === undefined || requested === 0n) {
    ctx.reply.array(0);
    return;
  }
  const size = zset.size;
  const reply = new MemberReply(ctx, withScores);
  const unique = requested > 0n;
  const magnitude = unique ? requested : -requested;
  if (!unique || magnitude === 1n) {
    // Sampling with repetition: the count itself bounds the reply (Redis does the same).
    const count = Number(magnitude);
    reply.begin(count);
    for (let i = 0; i < count; i++) {
      const [member, score] = zset.at(ctx.random.int(size));
      reply.add(member, score);
    }
    return;
  }
  if (magnitude >= BigInt(size)) {
    // The whole set, highest first: the order redis-server 7.0 replies it in.
    reply.begin(size);
    zset.walk(size - 1, size, true, (member, score) => reply.add(member, score));
    return;
  }
  const count = Number(magnitude);
  // Distinct ranks: a partial Fisher-Yates shuffle over a sparse map of swapped positions.
  const swapped = new Map<number, number>();
  reply.begin(count);
  for (let i = 0; i < count; i++) {
    const j = i + ctx.random.int(size - i);
    const rank = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    const [member, score] = zset.at(rank);
    reply.add(member, score);
  }
}

export const zrandmemberCommands: readonly CommandDefinition[] = [{ name: 'zrandmember', handler: zrandmember }];
