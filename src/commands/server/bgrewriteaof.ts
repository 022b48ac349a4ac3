import { ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';

/**
 * BGREWRITEAOF: rewrites the AOF base from a snapshot while the node serves (docs/aof.md).
 * Inside EXEC it is only scheduled, as in Redis (in_exec); BGREWRITEAOF is flagged noscript,
 * so mayBlock is false here only inside a transaction.
 */
function bgrewriteaof(ctx: CommandContext): void {
  let outcome: 'started' | 'scheduled';
  try {
    outcome = ctx.server.aof.backgroundRewrite(!ctx.mayBlock);
  } catch (error) {
    throw new ReplyError(`ERR ${(error as Error).message}`);
  }
  ctx.reply.simple(`Background append only file rewriting ${outcome}`);
}

export const bgrewriteaofCommand: CommandDefinition = { name: 'bgrewriteaof', handler: bgrewriteaof };
