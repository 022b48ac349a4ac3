import type { CommandContext, CommandDefinition } from './context.js';
import { stringValueText } from '../keyspace/stored-value.js';
import { readString } from './lookup.js';

// Placeholder GET/SET so the skeleton runs end to end; the strings group replaces this file.
function get(ctx: CommandContext, argv: string[]): void {
  const value = readString(ctx, argv[1] as string);
  ctx.reply.bulk(value === undefined ? null : stringValueText(value));
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
