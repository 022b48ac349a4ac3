import { AssertionError } from '../lib/assert.js';
import { ReplyError } from '../lib/errors.js';
import type { CommandContext, CommandDefinition } from './context.js';

/**
 * MULTI, EXEC, DISCARD, WATCH, UNWATCH. Queueing and EXEC live in the dispatcher
 * (src/server/dispatch.ts): it sees every command first, and EXEC runs commands through it.
 */

function multi(ctx: CommandContext): void {
  if (!ctx.server.transactions.begin(ctx.client)) throw new ReplyError('ERR MULTI calls can not be nested');
  ctx.reply.ok();
}

function discard(ctx: CommandContext): void {
  if (!ctx.server.transactions.discard(ctx.client)) throw new ReplyError('ERR DISCARD without MULTI');
  ctx.reply.ok();
}

function watch(ctx: CommandContext, argv: string[]): void {
  if (ctx.server.transactions.inTransaction(ctx.client)) throw new ReplyError('ERR WATCH inside MULTI is not allowed');
  ctx.server.transactions.watch(ctx.client, argv.slice(1));
  ctx.reply.ok();
}

function unwatch(ctx: CommandContext): void {
  ctx.server.transactions.unwatch(ctx.client);
  ctx.reply.ok();
}

function exec(): void {
  throw new AssertionError('EXEC is run by the dispatcher, never as a plain handler');
}

export const transactionCommands: readonly CommandDefinition[] = [
  { name: 'multi', handler: multi },
  { name: 'exec', handler: exec },
  { name: 'discard', handler: discard },
  { name: 'watch', handler: watch },
  { name: 'unwatch', handler: unwatch },
];
