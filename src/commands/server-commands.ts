import type { CommandContext, CommandDefinition } from './context.js';

function info(ctx: CommandContext, argv: string[]): void {
  ctx.reply.verbatim(ctx.server.renderInfo(argv.slice(1).map((s) => s.toLowerCase())));
}

export const serverCommands: readonly CommandDefinition[] = [{ name: 'info', handler: info }];
