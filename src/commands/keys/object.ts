import { encodingOfValue, parseCanonicalInteger, type StoredValue } from '../../keyspace/stored-value.js';
import { ReplyError } from '../../lib/errors.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { configValueOr, lookupReadNoTouch } from './common.js';
import { writeHelp } from '../server/spec-emitter.js';

/** Redis's OBJ_SHARED_REFCOUNT: what OBJECT REFCOUNT shows for a shared integer. */
const SHARED_REFCOUNT = 2147483647;
/** Redis's OBJ_SHARED_INTEGERS: integers 0..9999 are shared objects. */
const SHARED_INTEGERS = 10000;

const HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

function maxmemoryPolicy(ctx: CommandContext): string {
  return configValueOr(ctx, 'maxmemory-policy', 'noeviction');
}

function lfuPolicy(ctx: CommandContext): boolean {
  return maxmemoryPolicy(ctx).endsWith('-lfu');
}

/** Like objectCommandLookupOrReply: a missing key is a null reply, checked before anything. */
function lookupOrNull(ctx: CommandContext, argv: readonly string[]): StoredValue | undefined {
  // Redis's OBJECT looks up with LOOKUP_NOTOUCH|LOOKUP_NONOTIFY: a miss is counted, not notified.
  const value = lookupReadNoTouch(ctx, argv[2] as string, ctx.db, false);
  if (value === undefined) ctx.reply.null();
  return value;
}

function encoding(ctx: CommandContext, argv: string[]): void {
  const value = lookupOrNull(ctx, argv);
  if (value !== undefined) ctx.reply.bulk(encodingOfValue(value));
}

/**
 * Redis shares the integer objects 0..9999 (refcount INT_MAX) unless maxmemory is set with an
 * LRU or LFU policy (each key then needs its own access clock). Every other value is held once.
 * Known difference: Redis's COPY of a shared integer makes an unshared copy (refcount 1); here
 * the copy still reports INT_MAX.
 */
function refcount(ctx: CommandContext, argv: string[]): void {
  const value = lookupOrNull(ctx, argv);
  if (value === undefined) return;
  ctx.reply.integer(isSharedInteger(ctx, value) ? SHARED_REFCOUNT : 1);
}

function isSharedInteger(ctx: CommandContext, value: StoredValue): boolean {
  if (typeof value !== 'string' || value.length > 4 || encodingOfValue(value) !== 'int') return false;
  const number = parseCanonicalInteger(value);
  if (number === null || number < 0n || number >= BigInt(SHARED_INTEGERS)) return false;
  const policy = maxmemoryPolicy(ctx);
  const noSharing = configValueOr(ctx, 'maxmemory', '0') !== '0' && (policy.endsWith('-lru') || policy.endsWith('-lfu'));
  return !noSharing;
}

function idletime(ctx: CommandContext, argv: string[]): void {
  if (lookupOrNull(ctx, argv) === undefined) return;
  if (lfuPolicy(ctx)) {
    throw new ReplyError(
      'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
  }
  const clock = ctx.db.accessClockOf(argv[2] as string) ?? 0;
  ctx.reply.integer(ctx.keyspace.idleSeconds(clock));
}

function freq(ctx: CommandContext, argv: string[]): void {
  if (lookupOrNull(ctx, argv) === undefined) return;
  if (!lfuPolicy(ctx)) {
    throw new ReplyError(
      'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
  }
  const clock = ctx.db.accessClockOf(argv[2] as string) ?? 0;
  ctx.reply.integer(ctx.keyspace.lfuCounter(clock));
}

function help(ctx: CommandContext): void {
  writeHelp(ctx.reply, HELP);
}

export const objectCommands: readonly CommandDefinition[] = [
  {
    name: 'object',
    subcommands: [
      { name: 'encoding', handler: encoding },
      { name: 'refcount', handler: refcount },
      { name: 'idletime', handler: idletime },
      { name: 'freq', handler: freq },
      { name: 'help', handler: help },
    ],
  },
];
