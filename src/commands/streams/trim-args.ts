import { Errors, ReplyError } from '../../lib/errors.js';
import type { TrimStrategy } from '../../keyspace/types/stream/stream.js';
import { parseStreamId, type StreamId } from '../../keyspace/types/stream/stream-id.js';
import type { CommandContext } from '../context.js';
import { isOption, parseInt64 } from '../parse.js';
import { parseStrictId, StreamErrors } from './common.js';

/** What XADD and XTRIM share (Redis's streamAddTrimArgs). */
export interface AddTrimArgs {
  trim: TrimStrategy | null;
  approximate: boolean;
  /** Entries a trim may remove at most; 0 = no limit. */
  limit: number;
  /** argv index of the MAXLEN/MINID value (rewritten for propagation after '~'). */
  trimValueIndex: number;
  noMakeStream: boolean;
  /** XADD: argv index of the id; its value (null for '*'); whether the sequence was given. */
  idIndex: number;
  id: StreamId | null;
  seqGiven: boolean;
}

/** XADD key * ...: no options (the common case, without parsing or allocating). */
const AUTO_ID_ARGS: Readonly<AddTrimArgs> = Object.freeze({ trim: null, approximate: false, limit: 0, trimValueIndex: 0, noMakeStream: false, idIndex: 2, id: null, seqGiven: true });

/** Redis's streamParseAddOrTrimArgsOrReply. */
export function parseAddTrimArgs(ctx: CommandContext, argv: readonly string[], xadd: boolean): Readonly<AddTrimArgs> {
  if (xadd && argv[2] === '*') return AUTO_ID_ARGS;
  const args: AddTrimArgs = { trim: null, approximate: false, limit: 0, trimValueIndex: 0, noMakeStream: false, idIndex: argv.length, id: null, seqGiven: true };
  let limitGiven = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const moreArgs = argv.length - 1 - i;
    const opt = argv[i] as string;
    if (xadd && opt === '*') break;
    if (isOption(opt, 'maxlen') && moreArgs > 0) {
      if (args.trim !== null) throw new ReplyError('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
      i = skipApprox(argv, i, moreArgs, args);
      const maxLength = parseInt64(argv[i + 1] as string);
      if (maxLength < 0n) throw new ReplyError('ERR The MAXLEN argument must be >= 0.');
      i++;
      args.trim = { kind: 'maxlen', maxLength: Number(maxLength) };
      args.trimValueIndex = i;
    } else if (isOption(opt, 'minid') && moreArgs > 0) {
      if (args.trim !== null) throw new ReplyError('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
      i = skipApprox(argv, i, moreArgs, args);
      const minId = parseStrictId(argv[i + 1] as string);
      i++;
      args.trim = { kind: 'minid', minId };
      args.trimValueIndex = i;
    } else if (isOption(opt, 'limit') && moreArgs > 0) {
      const limit = parseInt64(argv[i + 1] as string);
      if (limit < 0n) throw new ReplyError('ERR The LIMIT argument must be >= 0.');
      args.limit = Number(limit);
      limitGiven = true;
      i++;
    } else if (xadd && isOption(opt, 'nomkstream')) {
      args.noMakeStream = true;
    } else if (xadd) {
      const parsed = parseStreamId(opt, 0, true, true);
      if (parsed.kind === 'invalid') throw new ReplyError(StreamErrors.invalidId);
      args.id = parsed.id;
      args.seqGiven = parsed.seqGiven;
      break;
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  args.idIndex = i;
  if (args.limit !== 0 && args.trim === null) throw new ReplyError('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
  if (!xadd && args.trim === null) throw new ReplyError('ERR syntax error, XTRIM must be called with a trimming strategy');
  if (limitGiven) {
    if (!args.approximate) throw new ReplyError('ERR syntax error, LIMIT cannot be used without the special ~ option');
  } else if (args.approximate) {
    // Redis caps approximate trimming at 100 nodes' worth of entries.
    let limit = 100 * ctx.server.config.number('stream-node-max-entries');
    if (limit <= 0) limit = 10000;
    if (limit > 1000000) limit = 1000000;
    args.limit = limit;
  } else {
    args.limit = 0;
  }
  return args;
}

/** MAXLEN/MINID followed by '~' or '=': returns the index before the value. */
function skipApprox(argv: readonly string[], i: number, moreArgs: number, args: AddTrimArgs): number {
  args.approximate = false;
  const next = argv[i + 1];
  if (moreArgs >= 2 && next === '~') {
    args.approximate = true;
    return i + 1;
  }
  if (moreArgs >= 2 && next === '=') return i + 1;
  return i;
}
