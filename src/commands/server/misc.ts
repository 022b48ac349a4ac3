import type { CommandContext, CommandDefinition } from '../context.js';

/** MONITOR: from now on this client receives every command run (dispatch feeds it). */
function monitor(ctx: CommandContext): void {
  // Redis answers nothing when the client already monitors.
  if (ctx.server.clients.isMonitor(ctx.client)) return;
  ctx.client.startMonitor();
  ctx.reply.ok();
}

/** TIME: unix seconds and microseconds, as two bulk strings. */
function time(ctx: CommandContext): void {
  const nowUs = ctx.server.nowUs();
  ctx.reply.array(2);
  ctx.reply.bulk(String(Math.floor(nowUs / 1e6)));
  ctx.reply.bulk(String(nowUs % 1e6));
}

function info(ctx: CommandContext, argv: string[]): void {
  ctx.reply.verbatim(ctx.server.renderInfo(argv.slice(1).map((s) => s.toLowerCase())));
}

export const miscServerCommands: readonly CommandDefinition[] = [
  { name: 'info', handler: info },
  { name: 'monitor', handler: monitor },
  { name: 'time', handler: time },
];
