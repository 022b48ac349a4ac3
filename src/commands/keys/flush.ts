import { Errors, ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { isOption, parseInt32 } from '../parse.js';
import { clusterEnabled } from './common.js';

/**
 * The optional SYNC | ASYNC of FLUSHDB/FLUSHALL. Both drop the data at once: a flush replaces
 * the databases' maps by new ones, and the old ones are freed by the garbage collector in the
 * background, which is what ASYNC (lazyfree) buys in Redis. So the option is only validated.
 */
function checkFlushOption(argv: readonly string[]): void {
  if (argv.length === 1) return;
  if (argv.length === 2 && (isOption(argv[1], 'sync') || isOption(argv[1], 'async'))) return;
  throw new ReplyError(Errors.syntax);
}

function flushdb(ctx: CommandContext, argv: string[]): void {
  checkFlushOption(argv);
  const removed = ctx.db.flush();
  // Redis also propagates a FLUSHDB of an empty database; with nothing removed there is
  // nothing a replica could differ in, so a zero count (no propagation) is harmless.
  if (removed > 0) ctx.dirty(removed);
  ctx.reply.ok();
}

function flushall(ctx: CommandContext, argv: string[]): void {
  checkFlushOption(argv);
  const removed = ctx.keyspace.flushAll();
  // Redis: dirty += removed keys, then dirty++ (FLUSHALL is always propagated). With save points
  // the empty dataset is saved at once (resetting dirty) before that last increment.
  const saved = ctx.server.persistence.flushedAll();
  ctx.dirty(saved ? 1 : removed + 1);
  ctx.reply.ok();
}

function swapdb(ctx: CommandContext, argv: string[]): void {
  if (clusterEnabled(ctx)) throw new ReplyError('ERR SWAPDB is not allowed in cluster mode');
  const first = parseInt32(argv[1] as string, 'ERR invalid first DB index');
  const second = parseInt32(argv[2] as string, 'ERR invalid second DB index');
  const count = ctx.keyspace.databases.length;
  if (first < 0 || first >= count || second < 0 || second >= count) throw new ReplyError(Errors.dbIndexOutOfRange);
  ctx.keyspace.swap(first, second);
  ctx.dirty();
  ctx.reply.ok();
}

export const flushCommands: readonly CommandDefinition[] = [
  { name: 'flushdb', handler: flushdb },
  { name: 'flushall', handler: flushall },
  { name: 'swapdb', handler: swapdb },
];
