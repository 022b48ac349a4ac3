import { ReplyError } from '../lib/errors.js';
import type { ScriptEngine } from '../scripting/engine.js';
import { evalEngineOf } from '../scripting/eval-engines.js';
import type { CommandContext, CommandDefinition } from './context.js';
import { isOption } from './parse.js';
import { handOver, killScript, prepareRun, splitKeys } from './script-run.js';
import { writeHelp } from './server/spec-emitter.js';

/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (src/scripting: the Lua VM and conversions).
 * A script past busy-reply-threshold is handed to the node, which runs it on in slices and
 * answers others BUSY; SCRIPT KILL ends it (docs/lua-vm.md).
 */

/** The node's Lua VM, created on first use. */
function engineOf(ctx: CommandContext): ScriptEngine {
  return evalEngineOf(ctx.server);
}

const NOSCRIPT = 'NOSCRIPT No matching script. Please use EVAL.';

function evalGeneric(ctx: CommandContext, argv: string[], bySha: boolean, readOnly: boolean): void {
  const engine = engineOf(ctx);
  // A sha that is not 40 chars long is refused before numkeys is read (as Redis does).
  if (bySha && (argv[1] as string).length !== 40) throw new ReplyError(NOSCRIPT);
  const { keys, args } = splitKeys(argv);
  const sha = bySha ? (argv[1] as string).toLowerCase() : engine.load(argv[1] as string);
  const flags = engine.flagsOf(sha);
  if (flags === undefined) throw new ReplyError(NOSCRIPT);
  const options = prepareRun(ctx, flags, readOnly);
  const caller = ctx.server.scripting.openCaller(ctx.client);
  const task = engine.runScript(sha, keys, args, caller, options, ctx.reply);
  if (task === false) throw new ReplyError(NOSCRIPT);
  handOver(ctx, task, argv);
}

function scriptLoad(ctx: CommandContext, argv: string[]): void {
  ctx.reply.bulk(engineOf(ctx).load(argv[2] as string));
}

function scriptExists(ctx: CommandContext, argv: string[]): void {
  const engine = engineOf(ctx);
  ctx.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) ctx.reply.integer(engine.has(argv[i] as string) ? 1 : 0);
}

function scriptFlush(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 3 || (argv.length === 3 && !isOption(argv[2] as string, 'sync') && !isOption(argv[2] as string, 'async'))) {
    throw new ReplyError('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
  }
  engineOf(ctx).flush();
  ctx.reply.ok();
}

/** SCRIPT HELP, as Redis 7.0 prints it (DEBUG is listed though not served here). */
const HELP = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
  'HELP',
  '    Prints this help.',
];

function scriptHelp(ctx: CommandContext): void {
  writeHelp(ctx.reply, HELP);
}

function scriptKill(ctx: CommandContext): void {
  killScript(ctx, true);
}

export const scriptingCommands: readonly CommandDefinition[] = [
  { name: 'eval', handler: (ctx, argv) => evalGeneric(ctx, argv, false, false) },
  { name: 'evalsha', handler: (ctx, argv) => evalGeneric(ctx, argv, true, false) },
  { name: 'eval_ro', handler: (ctx, argv) => evalGeneric(ctx, argv, false, true) },
  { name: 'evalsha_ro', handler: (ctx, argv) => evalGeneric(ctx, argv, true, true) },
  {
    name: 'script',
    subcommands: [
      { name: 'load', handler: scriptLoad },
      { name: 'exists', handler: scriptExists },
      { name: 'flush', handler: scriptFlush },
      { name: 'kill', handler: scriptKill },
      { name: 'help', handler: scriptHelp },
    ],
  },
];
