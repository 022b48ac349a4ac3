import { Errors, ReplyError } from '../../lib/errors.js';
import { isStringValue } from '../../keyspace/stored-value.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { lookupRead, lookupWrite, readString } from '../lookup.js';
import { notify } from '../notify.js';
import { StringFlag, expireAtMsFromOption, parseStringOptions } from './expire-options.js';
import { replyStringValue } from './string-access.js';

/** GET, SET and their relatives: SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET MSETNX. */

// The benchmark hot path: one lookup, one reply, nothing else allocated.
function get(ctx: CommandContext, argv: string[]): void {
  const value = readString(ctx, argv[1] as string);
  if (value === undefined) ctx.reply.null();
  else replyStringValue(ctx, value);
}

function set(ctx: CommandContext, argv: string[]): void {
  if (argv.length === 3) {
    ctx.db.set(argv[1] as string, argv[2] as string);
    ctx.dirty();
    notify(ctx, '$', 'set', argv[1] as string);
    ctx.reply.ok();
    return;
  }
  const { flags, expire } = parseStringOptions(argv, 3, true);
  setGeneric(ctx, argv, { flags, expire, commandName: 'set', okReply, abortReply: nullReply });
}

interface SetGenericOptions {
  flags: number;
  expire: string | undefined;
  commandName: string;
  okReply: (ctx: CommandContext) => void;
  abortReply: (ctx: CommandContext) => void;
}

const okReply = (ctx: CommandContext): void => ctx.reply.ok();
const nullReply = (ctx: CommandContext): void => ctx.reply.null();

/** Redis's setGenericCommand: argv[1] is the key, argv[2] the value (SETEX passes a rewritten argv). */
function setGeneric(ctx: CommandContext, argv: string[], options: SetGenericOptions): void {
  const key = argv[1] as string;
  const value = argv[2] as string;
  const { flags } = options;
  let expireAtMs: number | undefined;
  if (options.expire !== undefined) expireAtMs = expireAtMsFromOption(flags, options.expire, ctx.nowMs, options.commandName);
  if (flags & StringFlag.Get) {
    const old = readString(ctx, key);
    if (old === undefined) ctx.reply.null();
    else replyStringValue(ctx, old);
  }
  const found = lookupWrite(ctx, key) !== undefined;
  if ((flags & StringFlag.Nx && found) || (flags & StringFlag.Xx && !found)) {
    if (!(flags & StringFlag.Get)) options.abortReply(ctx);
    return;
  }
  ctx.db.set(key, value, (flags & StringFlag.KeepTtl) !== 0);
  ctx.dirty();
  notify(ctx, '$', 'set', key);
  if (expireAtMs !== undefined) {
    ctx.db.setExpireAtMs(key, expireAtMs);
    notify(ctx, 'g', 'expire', key);
    // Replicas and the AOF get an absolute time, so they expire the key at the same moment.
    ctx.propagateAs(['SET', key, value, 'PXAT', String(expireAtMs)]);
  } else if (flags & StringFlag.Get) {
    ctx.propagateAs(argv.filter((arg, i) => i < 3 || arg.toLowerCase() !== 'get'));
  }
  if (!(flags & StringFlag.Get)) options.okReply(ctx);
}

function setnx(ctx: CommandContext, argv: string[]): void {
  setGeneric(ctx, argv, {
    flags: StringFlag.Nx,
    expire: undefined,
    commandName: 'setnx',
    okReply: (c) => c.reply.integer(1),
    abortReply: (c) => c.reply.integer(0),
  });
}

function setex(ctx: CommandContext, argv: string[]): void {
  const rewritten = [argv[0] as string, argv[1] as string, argv[3] as string];
  setGeneric(ctx, rewritten, { flags: StringFlag.Ex, expire: argv[2], commandName: 'setex', okReply, abortReply: nullReply });
}

function psetex(ctx: CommandContext, argv: string[]): void {
  const rewritten = [argv[0] as string, argv[1] as string, argv[3] as string];
  setGeneric(ctx, rewritten, { flags: StringFlag.Px, expire: argv[2], commandName: 'psetex', okReply, abortReply: nullReply });
}

function getset(ctx: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const old = readString(ctx, key);
  if (old === undefined) ctx.reply.null();
  else replyStringValue(ctx, old);
  ctx.db.set(key, argv[2] as string);
  ctx.dirty();
  notify(ctx, '$', 'set', key);
  ctx.propagateAs(['SET', key, argv[2] as string]);
}

function getdel(ctx: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const value = readString(ctx, key);
  if (value === undefined) {
    ctx.reply.null();
    return;
  }
  replyStringValue(ctx, value);
  ctx.db.delete(key);
  ctx.dirty();
  notify(ctx, 'g', 'del', key);
  ctx.propagateAs(['DEL', key]);
}

function getex(ctx: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const { flags, expire } = parseStringOptions(argv, 2, false);
  const value = readString(ctx, key);
  if (value === undefined) {
    ctx.reply.null();
    return;
  }
  let expireAtMs: number | undefined;
  if (expire !== undefined) expireAtMs = expireAtMsFromOption(flags, expire, ctx.nowMs, 'getex');
  replyStringValue(ctx, value);
  if (expireAtMs !== undefined && flags & (StringFlag.ExAt | StringFlag.PxAt) && expireAtMs <= ctx.nowMs) {
    // An absolute time already past deletes the key now (Redis: checkAlreadyExpired).
    ctx.db.delete(key);
    ctx.dirty();
    notify(ctx, 'g', 'del', key);
    ctx.propagateAs(['DEL', key]);
  } else if (expireAtMs !== undefined) {
    ctx.db.setExpireAtMs(key, expireAtMs);
    ctx.dirty();
    notify(ctx, 'g', 'expire', key);
    ctx.propagateAs(['PEXPIREAT', key, String(expireAtMs)]);
  } else if (flags & StringFlag.Persist && ctx.db.persist(key)) {
    ctx.dirty();
    notify(ctx, 'g', 'persist', key);
    ctx.propagateAs(['PERSIST', key]);
  }
}

function mget(ctx: CommandContext, argv: string[]): void {
  ctx.reply.array(argv.length - 1);
  for (let i = 1; i < argv.length; i++) {
    const value = lookupRead(ctx, argv[i] as string);
    if (value === undefined || !isStringValue(value)) ctx.reply.null();
    else replyStringValue(ctx, value);
  }
}

function msetGeneric(ctx: CommandContext, argv: string[], nx: boolean): void {
  if (argv.length % 2 === 0) throw new ReplyError(Errors.wrongArity(nx ? 'msetnx' : 'mset'));
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) {
      if (lookupWrite(ctx, argv[j] as string) !== undefined) {
        ctx.reply.integer(0);
        return;
      }
    }
  }
  for (let j = 1; j < argv.length; j += 2) {
    ctx.db.set(argv[j] as string, argv[j + 1] as string);
    notify(ctx, '$', 'set', argv[j] as string);
  }
  ctx.dirty((argv.length - 1) / 2);
  if (nx) ctx.reply.integer(1);
  else ctx.reply.ok();
}

export const getSetCommands: readonly CommandDefinition[] = [
  { name: 'get', handler: get },
  { name: 'set', handler: set },
  { name: 'setnx', handler: setnx },
  { name: 'setex', handler: setex },
  { name: 'psetex', handler: psetex },
  { name: 'getset', handler: getset },
  { name: 'getdel', handler: getdel },
  { name: 'getex', handler: getex },
  { name: 'mget', handler: mget },
  { name: 'mset', handler: (ctx, argv) => msetGeneric(ctx, argv, false) },
  { name: 'msetnx', handler: (ctx, argv) => msetGeneric(ctx, argv, true) },
];
