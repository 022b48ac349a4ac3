import { globMatch } from '../keyspace/glob.js';
import { cStringArg, Errors, ReplyError } from '../lib/errors.js';
import { decodeFunctionPayload, encodeFunctionPayload } from '../scripting/function-payload.js';
import { functionRegistryOf, type RestorePolicy } from '../scripting/function-registry.js';
import { SCRIPT_FLAG_NAMES } from '../scripting/script-flags.js';
import type { CommandContext, CommandDefinition } from './context.js';
import { isOption } from './parse.js';
import { handOver, killScript, prepareRun, splitKeys } from './script-run.js';
import { writeHelp } from './server/spec-emitter.js';
import { subcommandSyntaxError } from './server/subcommand-error.js';

/**
 * FUNCTION (LOAD LIST DELETE FLUSH DUMP RESTORE STATS KILL HELP), FCALL and FCALL_RO, as
 * Redis 7.0 (src/functions.c). Libraries live in src/scripting/function-registry.ts.
 */

function registry(ctx: CommandContext) {
  return functionRegistryOf(ctx.server);
}

function functionLoad(ctx: CommandContext, argv: string[]): void {
  let replace = false;
  let at = 2;
  for (; at < argv.length - 1; at++) {
    if (isOption(argv[at], 'replace')) replace = true;
    else throw new ReplyError(`ERR Unknown option given: ${cStringArg(argv[at] as string)}`);
  }
  if (at >= argv.length) throw new ReplyError('ERR Function code is missing');
  const name = registry(ctx).loadFromClient(argv[at] as string, replace);
  ctx.dirty();
  ctx.reply.bulk(name);
}

function functionList(ctx: CommandContext, argv: string[]): void {
  let withCode = false;
  let pattern: string | undefined;
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!withCode && isOption(arg, 'withcode')) {
      withCode = true;
      continue;
    }
    if (pattern === undefined && isOption(arg, 'libraryname')) {
      if (i >= argv.length - 1) throw new ReplyError('ERR library name argument was not given');
      pattern = argv[++i] as string;
      continue;
    }
    throw new ReplyError(`ERR Unknown argument ${cStringArg(arg)}`);
  }
  // LIBRARYNAME matches case-insensitively (stringmatchlen nocase).
  const libraries = [...registry(ctx).libraries()].filter((library) => pattern === undefined || globMatch(pattern, library.name, true));
  const reply = ctx.reply;
  reply.array(libraries.length);
  for (const library of libraries) {
    reply.map(withCode ? 4 : 3);
    reply.bulk('library_name');
    reply.bulk(library.name);
    reply.bulk('engine');
    reply.bulk(library.engine);
    reply.bulk('functions');
    reply.array(library.functions.size);
    for (const fn of library.functions.values()) {
      reply.map(3);
      reply.bulk('name');
      reply.bulk(fn.name);
      reply.bulk('description');
      if (fn.description === null) reply.null();
      else reply.bulk(fn.description);
      reply.bulk('flags');
      const flags = SCRIPT_FLAG_NAMES.filter((flag) => fn.flags.has(flag));
      reply.set(flags.length);
      for (const flag of flags) reply.simple(flag);
    }
    if (withCode) {
      reply.bulk('library_code');
      reply.bulk(library.code);
    }
  }
}

function functionDelete(ctx: CommandContext, argv: string[]): void {
  if (!registry(ctx).delete(argv[2] as string)) throw new ReplyError('ERR Library not found');
  ctx.dirty();
  ctx.reply.ok();
}

function functionFlush(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 3) throw new ReplyError(subcommandSyntaxError(argv));
  if (argv.length === 3 && !isOption(argv[2], 'sync') && !isOption(argv[2], 'async')) {
    throw new ReplyError('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
  }
  registry(ctx).flush();
  ctx.dirty();
  ctx.reply.ok();
}

function functionDump(ctx: CommandContext): void {
  ctx.reply.bulkBuffer(encodeFunctionPayload(registry(ctx).libraryCodes()));
}

function functionRestore(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 4) throw new ReplyError(subcommandSyntaxError(argv));
  let policy: RestorePolicy = 'append';
  if (argv.length === 4) {
    const given = (argv[3] as string).toLowerCase();
    if (given !== 'append' && given !== 'replace' && given !== 'flush') {
      throw new ReplyError('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
    }
    policy = given;
  }
  const codes = decodeFunctionPayload(Buffer.from(argv[2] as string, 'latin1'));
  registry(ctx).restore(codes, policy);
  ctx.dirty();
  ctx.reply.ok();
}

function functionStats(ctx: CommandContext): void {
  const busy = ctx.server.scripting.busy();
  if (busy !== undefined && busy.script.isEval) throw new ReplyError(Errors.busyEval);
  const reply = ctx.reply;
  reply.map(2);
  reply.bulk('running_script');
  if (busy === undefined) {
    reply.null();
  } else {
    reply.map(3);
    reply.bulk('name');
    reply.bulk(busy.script.name);
    reply.bulk('command');
    reply.bulkArray(busy.argv);
    reply.bulk('duration_ms');
    reply.integer(Math.floor(performance.now() - busy.script.startedAtMs));
  }
  const functions = registry(ctx);
  reply.bulk('engines');
  reply.map(1);
  reply.bulk('LUA');
  reply.map(2);
  reply.bulk('libraries_count');
  reply.integer(functions.libraryCount);
  reply.bulk('functions_count');
  reply.integer(functions.functionCount);
}

function functionKill(ctx: CommandContext): void {
  killScript(ctx, false);
}

/** FUNCTION HELP, as Redis 7.0 prints it. */
const HELP = [
  'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
  'HELP',
  '    Prints this help.',
];

function functionHelp(ctx: CommandContext): void {
  writeHelp(ctx.reply, HELP);
}

function fcall(ctx: CommandContext, argv: string[], readOnly: boolean): void {
  const functions = registry(ctx);
  const found = functions.lookup(argv[1] as string);
  if (found === undefined) throw new ReplyError('ERR Function not found');
  const { keys, args } = splitKeys(argv, 'ERR Bad number of keys provided');
  const options = prepareRun(ctx, found.fn.flags, readOnly);
  const caller = ctx.server.scripting.openCaller(ctx.client);
  handOver(ctx, functions.engine.runFunction(found.fn, keys, args, caller, options, ctx.reply), argv);
}

export const functionCommands: readonly CommandDefinition[] = [
  { name: 'fcall', handler: (ctx, argv) => fcall(ctx, argv, false) },
  { name: 'fcall_ro', handler: (ctx, argv) => fcall(ctx, argv, true) },
  {
    name: 'function',
    subcommands: [
      { name: 'load', handler: functionLoad },
      { name: 'list', handler: functionList },
      { name: 'delete', handler: functionDelete },
      { name: 'flush', handler: functionFlush },
      { name: 'dump', handler: functionDump },
      { name: 'restore', handler: functionRestore },
      { name: 'stats', handler: functionStats },
      { name: 'kill', handler: functionKill },
      { name: 'help', handler: functionHelp },
    ],
  },
];
