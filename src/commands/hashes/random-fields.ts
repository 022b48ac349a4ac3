import { ReplyError, Errors } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { isOption } from '../parse.js';
import { distinctRandomIndexes, parseRandomCount } from '../sets/random-picks.js';
import { readHash } from './hash-access.js';

/** HRANDFIELD key [count [WITHVALUES]] (Redis's hrandfieldCommand). */

const LONG_MAX = 9223372036854775807n;

function hrandfield(ctx: CommandContext, argv: string[]): void {
  if (argv.length >= 3) {
    const count = parseRandomCount(argv[2] as string);
    if (argv.length > 4 || (argv.length === 4 && !isOption(argv[3], 'withvalues'))) throw new ReplyError(Errors.syntax);
    const withValues = argv.length === 4;
    if (withValues && (count < -LONG_MAX / 2n || count > LONG_MAX / 2n)) throw new ReplyError('ERR value is out of range');
    withCount(ctx, argv[1] as string, count, withValues);
    return;
  }
  const hash = readHash(ctx, argv[1] as string);
  if (hash === undefined) {
    ctx.reply.null();
    return;
  }
  const { fields } = hash.toArrays();
  ctx.reply.bulk(fields[ctx.random.int(fields.length)] as string);
}

function withCount(ctx: CommandContext, key: string, count: bigint, withValues: boolean): void {
  const reply = ctx.reply;
  const hash = readHash(ctx, key);
  if (hash === undefined || count === 0n) {
    reply.array(0);
    return;
  }
  const { fields, values } = hash.toArrays();
  const size = fields.length;
  const pairsAsArrays = withValues && reply.protocol === 3;
  const writePair = (i: number): void => {
    if (pairsAsArrays) reply.array(2);
    reply.bulk(fields[i] as string);
    if (withValues) reply.bulk(values[i] as string);
  };
  const replyLength = (n: number): void => reply.array(withValues && !pairsAsArrays ? n * 2 : n);
  if (count < 0n) {
    // Repeats allowed: exactly |count| picks. The count fits memory only if the client asked
    // for a reply that size, which Redis would attempt as well.
    const picks = Number(-count);
    replyLength(picks);
    for (let n = 0; n < picks; n++) writePair(ctx.random.int(size));
    return;
  }
  if (count >= BigInt(size)) {
    replyLength(size);
    for (let i = 0; i < size; i++) writePair(i);
    return;
  }
  const indexes = distinctRandomIndexes(ctx.random, size, Number(count));
  replyLength(indexes.length);
  for (const i of indexes) writePair(i);
}

export const randomFieldCommands: readonly CommandDefinition[] = [{ name: 'hrandfield', handler: hrandfield }];
