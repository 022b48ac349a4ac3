import { Errors, ReplyError } from '../../lib/errors.js';
import { RawString } from '../../keyspace/raw-string.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { readString } from '../lookup.js';
import { notify } from '../notify.js';
import { parseInt64 } from '../parse.js';
import { checkStringLength, unshareString, writeString } from './string-access.js';

/** APPEND STRLEN GETRANGE (SUBSTR) SETRANGE. */

function append(ctx: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const tail = argv[2] as string;
  const current = writeString(ctx, key);
  let lengthBytes: number;
  if (current === undefined) {
    // A new key keeps the argument as is (int/embstr encoding), like Redis.
    ctx.db.set(key, tail);
    lengthBytes = tail.length;
  } else {
    checkStringLength(ctx, current.length + tail.length);
    const raw = unshareString(ctx, key, current);
    raw.append(tail);
    lengthBytes = raw.length;
  }
  ctx.dirty();
  notify(ctx, '$', 'append', key);
  ctx.reply.integer(lengthBytes);
}

function strlen(ctx: CommandContext, argv: string[]): void {
  const value = readString(ctx, argv[1] as string);
  ctx.reply.integer(value === undefined ? 0 : value.length);
}

function getrange(ctx: CommandContext, argv: string[]): void {
  let start = parseInt64(argv[2] as string);
  let end = parseInt64(argv[3] as string);
  const value = readString(ctx, argv[1] as string);
  if (value === undefined) {
    ctx.reply.bulk('');
    return;
  }
  const length = BigInt(value.length);
  if (start < 0n && end < 0n && start > end) {
    ctx.reply.bulk('');
    return;
  }
  if (start < 0n) start += length;
  if (end < 0n) end += length;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= length) end = length - 1n;
  if (start > end || length === 0n) {
    ctx.reply.bulk('');
    return;
  }
  const from = Number(start);
  const to = Number(end) + 1;
  if (typeof value === 'string') ctx.reply.bulk(value.slice(from, to));
  else ctx.reply.bulkBuffer(value.bytes.subarray(from, to));
}

function setrange(ctx: CommandContext, argv: string[]): void {
  const key = argv[1] as string;
  const offsetBig = parseInt64(argv[2] as string);
  const patch = argv[3] as string;
  if (offsetBig < 0n) throw new ReplyError(Errors.offsetOutOfRange);
  const current = writeString(ctx, key);
  if (current === undefined) {
    if (patch.length === 0) {
      ctx.reply.integer(0);
      return;
    }
    checkStringLength(ctx, Number(offsetBig) + patch.length);
  } else {
    if (patch.length === 0) {
      ctx.reply.integer(current.length);
      return;
    }
    checkStringLength(ctx, Number(offsetBig) + patch.length);
  }
  const offset = Number(offsetBig);
  let raw: RawString;
  if (current === undefined) {
    raw = new RawString('');
    ctx.db.set(key, raw);
  } else {
    raw = unshareString(ctx, key, current);
  }
  raw.ensureLength(offset + patch.length);
  raw.bytes.latin1Write(patch, offset);
  ctx.dirty();
  notify(ctx, '$', 'setrange', key);
  ctx.reply.integer(raw.length);
}

export const rangeCommands: readonly CommandDefinition[] = [
  { name: 'append', handler: append },
  { name: 'strlen', handler: strlen },
  { name: 'getrange', handler: getrange },
  { name: 'substr', handler: getrange },
  { name: 'setrange', handler: setrange },
];
