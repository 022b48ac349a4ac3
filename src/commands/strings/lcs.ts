import { Errors, ReplyError } from '../../lib/errors.js';
import { isStringValue, stringValueText } from '../../keyspace/stored-value.js';
import type { CommandContext, CommandDefinition } from '../context.js';
import { lookupRead } from '../lookup.js';
import { isOption, parseInt64 } from '../parse.js';
import { maxStringBytes } from './string-access.js';

/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: Redis's dynamic programming over a
 * (len1+1)×(len2+1) table of uint32, bounded by proto-max-bulk-len bytes like Redis, and the
 * same backward walk, so the matches come out in the same order.
 */
function lcs(ctx: CommandContext, argv: string[]): void {
  const storedA = lookupRead(ctx, argv[1] as string);
  const storedB = lookupRead(ctx, argv[2] as string);
  if ((storedA !== undefined && !isStringValue(storedA)) || (storedB !== undefined && !isStringValue(storedB))) {
    throw new ReplyError('ERR The specified keys must contain string values');
  }
  const a = storedA !== undefined && isStringValue(storedA) ? stringValueText(storedA) : '';
  const b = storedB !== undefined && isStringValue(storedB) ? stringValueText(storedB) : '';
  let getIdx = false;
  let getLen = false;
  let withMatchLen = false;
  let minMatchLen = 0n;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j] as string;
    const moreArgs = argv.length - 1 - j;
    if (isOption(opt, 'idx')) getIdx = true;
    else if (isOption(opt, 'len')) getLen = true;
    else if (isOption(opt, 'withmatchlen')) withMatchLen = true;
    else if (isOption(opt, 'minmatchlen') && moreArgs > 0) {
      minMatchLen = parseInt64(argv[++j] as string);
      if (minMatchLen < 0n) minMatchLen = 0n;
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  if (getIdx && getLen) throw new ReplyError('ERR If you want both the length and indexes, please just use IDX.');
  const alen = a.length;
  const blen = b.length;
  const tableBytes = (alen + 1) * (blen + 1) * 4;
  if (tableBytes > maxStringBytes(ctx)) {
    throw new ReplyError('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
  }
  let table: Uint32Array;
  try {
    table = new Uint32Array((alen + 1) * (blen + 1));
  } catch {
    throw new ReplyError('ERR Insufficient memory, failed allocating transient memory for LCS');
  }
  const row = blen + 1;
  for (let i = 1; i <= alen; i++) {
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= blen; j++) {
      if (ca === b.charCodeAt(j - 1)) table[i * row + j] = (table[(i - 1) * row + j - 1] as number) + 1;
      else {
        const up = table[(i - 1) * row + j] as number;
        const left = table[i * row + j - 1] as number;
        table[i * row + j] = up > left ? up : left;
      }
    }
  }
  const total = table[alen * row + blen] as number;
  if (getLen && !getIdx) {
    ctx.reply.integer(total);
    return;
  }
  const result = new Array<string>(total);
  const matches: number[][] = [];
  let idx = total;
  // A range not started yet is marked by aStart === alen, as in Redis.
  let aStart = alen;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      result[idx - 1] = a[i - 1] as string;
      if (aStart === alen) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if ((table[(i - 1) * row + j] as number) > (table[i * row + j - 1] as number)) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (minMatchLen === 0n || BigInt(matchLen) >= minMatchLen) matches.push([aStart, aEnd, bStart, bEnd, matchLen]);
      aStart = alen;
    }
  }
  if (!getIdx) {
    ctx.reply.bulk(result.join(''));
    return;
  }
  const reply = ctx.reply;
  reply.map(2);
  reply.bulk('matches');
  reply.array(matches.length);
  for (const [as, ae, bs, be, len] of matches as Array<[number, number, number, number, number]>) {
    reply.array(withMatchLen ? 3 : 2);
    reply.array(2);
    reply.integer(as);
    reply.integer(ae);
    reply.array(2);
    reply.integer(bs);
    reply.integer(be);
    if (withMatchLen) reply.integer(len);
  }
  reply.bulk('len');
  reply.integer(total);
}

export const lcsCommands: readonly CommandDefinition[] = [{ name: 'lcs', handler: lcs }];
