import { ReplyError } from '../lib/errors.js';
import type { CommandContext, CommandDefinition } from './context.js';
import { writeHelp } from './server/spec-emitter.js';

/** CONFIG GET pattern [pattern ...]: a map in RESP3, a flat array in RESP2 (configGetCommand). */
function configGet(ctx: CommandContext, argv: string[]): void {
  const pairs = ctx.server.config.get(argv.slice(2));
  ctx.reply.map(pairs.length);
  for (const [name, value] of pairs) {
    ctx.reply.bulk(name);
    ctx.reply.bulk(value);
  }
}

/** A loopback or unix-socket peer, for enable-protected-configs local. */
function isLocalClient(remoteAddress: string): boolean {
  return remoteAddress.startsWith('127.') || remoteAddress.startsWith('::1:') || remoteAddress.startsWith('::ffff:127.') || remoteAddress.startsWith('/');
}

/** CONFIG SET name value [name value ...]: all or nothing. */
function configSet(ctx: CommandContext, argv: string[]): void {
  if (argv.length % 2 !== 0) throw new ReplyError('ERR syntax error');
  const pairs: Array<[string, string]> = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i] as string, argv[i + 1] as string]);
  ctx.server.config.set(pairs, { localClient: isLocalClient(ctx.client.remoteAddress) });
  ctx.reply.ok();
}

/** CONFIG RESETSTAT: INFO stats, commandstats and errorstats go back to zero (not the slow log). */
function configResetstat(ctx: CommandContext): void {
  ctx.server.stats.reset();
  for (const command of ctx.server.commands.all()) {
    resetCommandStats(command.stats);
    for (const sub of command.subcommands?.values() ?? []) resetCommandStats(sub.stats);
  }
  ctx.reply.ok();
}

function resetCommandStats(stats: { calls: number; usec: number; rejectedCalls: number; failedCalls: number }): void {
  stats.calls = 0;
  stats.usec = 0;
  stats.rejectedCalls = 0;
  stats.failedCalls = 0;
}

function configRewrite(ctx: CommandContext): void {
  ctx.server.config.rewrite();
  ctx.reply.ok();
}

const HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
  'HELP',
  '    Prints this help.',
];

function configHelp(ctx: CommandContext): void {
  writeHelp(ctx.reply, HELP);
}

export const configCommands: readonly CommandDefinition[] = [
  {
    name: 'config',
    subcommands: [
      { name: 'get', handler: configGet },
      { name: 'set', handler: configSet },
      { name: 'resetstat', handler: configResetstat },
      { name: 'rewrite', handler: configRewrite },
      { name: 'help', handler: configHelp },
    ],
  },
];
