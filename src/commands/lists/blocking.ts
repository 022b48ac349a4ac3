import { ListValue } from '../../keyspace/types/list/list-value.js';
import type { ReplyWriter } from '../../resp/reply-writer.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { notify } from '../notify.js';
import { blockTimeoutAtMsFromSeconds } from '../parse.js';
import { type End, deleteIfEmpty, endEvent, parseEnd, popEnd, writeList } from './list-access.js';
import { moveElement, mpopFirst, parseMpop } from './move.js';

/**
 * BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP. Each first tries its non-blocking form; when every key
 * is empty it parks the client with ctx.block, and the server runs the handler again when one
 * of the keys is written, so a client blocked on several keys is served from the first one that
 * has data, in its key order. (Redis serves from the key that became ready first: the two differ
 * only when one transaction or script fills several of a client's keys.) Served commands
 * propagate as their non-blocking forms (BLPOP → LPOP, BLMOVE → LMOVE), like Redis. Inside
 * MULTI or a script (ctx.mayBlock false) they reply at once as on timeout. On a retry the
 * timeout is parsed again but unused: the registry keeps the first deadline.
 */

function park(ctx: CommandContext, _argv: string[], keys: string[], timeoutAtMs: number): void {
  ctx.block({ keys, timeoutAtMs, onTimeout: nullArrayReply });
}

/**
 * The list at key, or undefined when missing. On a wake-up retry Redis only serves from keys
 * that hold lists (handleClientsBlockedOnKeys): a key that became another type (SET over it)
 * leaves the client blocked instead of answering WRONGTYPE.
 */
function sourceList(ctx: CommandContext, _argv: string[], key: string): ListValue | undefined {
  if (!ctx.wokenFromBlock) return writeList(ctx, key);
  const value = ctx.db.lookup(key);
  return value instanceof ListValue ? value : undefined;
}

// Redis replies a null array on timeout for every list blocking command (blocked.c:
// replyToBlockedClientTimedOut), BLMOVE and BRPOPLPUSH included.
const nullArrayReply = (reply: ReplyWriter): void => reply.nullArray();

function blockingPop(ctx: CommandContext, argv: string[], end: End): void {
  const timeoutAtMs = blockTimeoutAtMsFromSeconds(argv[argv.length - 1] as string, ctx.nowMs);
  const keys = argv.slice(1, -1);
  for (const key of keys) {
    const list = sourceList(ctx, argv, key);
    if (list === undefined) continue;
    const value = popEnd(list, end);
    ctx.reply.array(2);
    ctx.reply.bulk(key);
    ctx.reply.bulk(value);
    ctx.dirty();
    notify(ctx, 'l', endEvent(end, 'pop'), key);
    deleteIfEmpty(ctx, key, list);
    ctx.propagateAs([end === 'left' ? 'LPOP' : 'RPOP', key]);
    return;
  }
  if (!ctx.mayBlock) ctx.reply.nullArray();
  else park(ctx, argv, keys, timeoutAtMs);
}

function blockingMove(ctx: CommandContext, argv: string[], from: End, to: End, timeoutText: string, propagated: string[]): void {
  const timeoutAtMs = blockTimeoutAtMsFromSeconds(timeoutText, ctx.nowMs);
  const source = argv[1] as string;
  if (sourceList(ctx, argv, source) !== undefined && moveElement(ctx, source, argv[2] as string, from, to)) {
    ctx.propagateAs(propagated);
    return;
  }
  // Redis's blmoveGenericCommand answers a plain null (not a null array) when it may not block.
  if (!ctx.mayBlock) ctx.reply.null();
  else park(ctx, argv, [source], timeoutAtMs);
}

function blmove(ctx: CommandContext, argv: string[]): void {
  const from = parseEnd(argv[3] as string);
  const to = parseEnd(argv[4] as string);
  const propagated = ['LMOVE', argv[1] as string, argv[2] as string, argv[3] as string, argv[4] as string];
  blockingMove(ctx, argv, from, to, argv[5] as string, propagated);
}

function brpoplpush(ctx: CommandContext, argv: string[]): void {
  blockingMove(ctx, argv, 'right', 'left', argv[3] as string, ['RPOPLPUSH', argv[1] as string, argv[2] as string]);
}

function blmpop(ctx: CommandContext, argv: string[]): void {
  // Redis parses numkeys, the keys, LEFT|RIGHT and COUNT before the timeout.
  const request = parseMpop(argv, 2);
  const timeoutAtMs = blockTimeoutAtMsFromSeconds(argv[1] as string, ctx.nowMs);
  if (ctx.wokenFromBlock) request.keys = request.keys.filter((key) => sourceList(ctx, argv, key) !== undefined);
  if (mpopFirst(ctx, request)) return;
  if (!ctx.mayBlock) ctx.reply.nullArray();
  else park(ctx, argv, parseMpop(argv, 2).keys, timeoutAtMs);
}

export const blockingCommands: readonly CommandDefinition[] = [
  { name: 'blpop', handler: (ctx, argv) => blockingPop(ctx, argv, 'left') },
  { name: 'brpop', handler: (ctx, argv) => blockingPop(ctx, argv, 'right') },
  { name: 'blmove', handler: blmove },
  { name: 'brpoplpush', handler: brpoplpush },
  { name: 'blmpop', handler: blmpop },
];
