import { Errors, ReplyError } from '../../lib/errors.js';
import { encodingOfValue } from '../../keyspace/stored-value.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { isOption } from '../parse.js';
import { debugHelp } from './help-texts.js';
import { writeHelp } from './spec-emitter.js';
import { subcommandSyntaxError } from './subcommand-error.js';
import { serializedValueLength } from './value-size.js';

/** Redis's OBJ_SHARED_REFCOUNT: the refcount DEBUG OBJECT shows for shared integers. */
const SHARED_REFCOUNT = 2147483647;
/** Redis's OBJ_SHARED_INTEGERS: values 0..9999 are shared objects. */
const SHARED_INTEGERS = 10000;

/** C's atoi: leading spaces, a sign, digits; anything else ends it (0 for none). */
function atoi(text: string): number {
  const match = /^\s*([+-]?\d+)/.exec(text);
  return match === null ? 0 : Number.parseInt(match[1] as string, 10);
}

/** C's strtod prefix parse, as DEBUG SLEEP reads its argument (junk reads as 0). */
function strtod(text: string): number {
  const match = /^\s*[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|inf(inity)?)/i.exec(text);
  if (match === null) return 0;
  const value = Number.parseFloat(match[0]);
  return Number.isNaN(value) ? (/-/.test(match[0]) ? -Infinity : Infinity) : value;
}

/**
 * DEBUG OBJECT's line. The address is not a real pointer (V8 moves objects): a stable pseudo
 * address from the key, so the line keeps Redis's shape for tools that parse it.
 */
function debugObject(ctx: CommandContext, key: string): void {
  const value = ctx.db.peek(key);
  if (value === undefined) throw new ReplyError(Errors.noSuchKey);
  const encoding = encodingOfValue(value);
  const shared = encoding === 'int' && typeof value === 'string' && Number(value) >= 0 && Number(value) < SHARED_INTEGERS;
  const lru = ctx.db.accessClockOf(key) ?? 0;
  const idle = ctx.keyspace.idleSeconds(lru);
  ctx.reply.simple(
    `Value at:${pseudoAddress(key)} refcount:${shared ? SHARED_REFCOUNT : 1} encoding:${encoding} ` +
      `serializedlength:${serializedValueLength(value)} lru:${lru} lru_seconds_idle:${idle}`,
  );
}

function pseudoAddress(key: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return `0x7f${((hash & 0xfffffff8) >>> 0).toString(16).padStart(10, '0')}`;
}

/** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty, load back (src/persistence). */
function debugReload(ctx: CommandContext, argv: string[]): void {
  const options = { noSave: false, noFlush: false, merge: false };
  for (const option of argv.slice(2)) {
    if (isOption(option, 'merge')) options.merge = true;
    else if (isOption(option, 'noflush')) options.noFlush = true;
    else if (isOption(option, 'nosave')) options.noSave = true;
    else throw new ReplyError('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
  }
  try {
    ctx.server.persistence.debugReload(options);
  } catch (error) {
    const message = (error as Error).message;
    throw new ReplyError(message === '' ? 'ERR' : `ERR ${message}`);
  }
  ctx.reply.ok();
}

function debug(ctx: CommandContext, argv: string[]): void {
  const sub = argv[1] as string;
  if (argv.length === 2 && isOption(sub, 'help')) {
    writeHelp(ctx.reply, debugHelp);
  } else if (argv.length === 3 && isOption(sub, 'object')) {
    debugObject(ctx, argv[2] as string);
  } else if (argv.length === 3 && isOption(sub, 'sleep')) {
    const seconds = strtod(argv[2] as string);
    // Redis nanosleeps the whole server; so do we (the event loop really stops).
    if (seconds > 0) ctx.server.sleepBlocking(Math.min(seconds, 2 ** 31) * 1000);
    ctx.reply.ok();
  } else if (isOption(sub, 'reload')) {
    debugReload(ctx, argv);
  } else if (argv.length === 3 && isOption(sub, 'set-active-expire')) {
    ctx.server.setActiveExpireEnabled(atoi(argv[2] as string) !== 0);
    ctx.reply.ok();
  } else {
    throw new ReplyError(subcommandSyntaxError(argv));
  }
}

export const debugCommand: CommandDefinition = { name: 'debug', handler: debug };
