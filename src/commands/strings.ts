import type { CommandContext, CommandDefinition } from './context.js';
import { Errors, ReplyError } from '../lib/errors.js';
import { isStringValue, stringValueText } from '../keyspace/stored-value.js';

function get(ctx: CommandContext, argv: string[]): void {
  const value = ctx.db.lookup(argv[1] as string);
  if (value === undefined) {
    ctx.server.stats.keyspaceMisses++;
    ctx.reply.null();
    return;
  }
  if (!isStringValue(value)) throw new ReplyError(Errors.wrongType);
  ctx.server.stats.keyspaceHits++;
  ctx.reply.bulk(stringValueText(value));
}

function set(ctx: CommandContext, argv: string[]): void {
  ctx.db.set(argv[1] as string, argv[2] as string);
  ctx.dirty();
  ctx.reply.ok();
}

export const stringCommands: readonly CommandDefinition[] = [
  { name: 'get', handler: get },
  { name: 'set', handler: set },
];
