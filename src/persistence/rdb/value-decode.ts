import type { StoredValue } from '../../keyspace/stored-value.js';
import { HashValue, type HashLimits } from '../../keyspace/types/hash/hash-value.js';
import { ListValue } from '../../keyspace/types/list/list-value.js';
import { SetValue } from '../../keyspace/types/set/set-value.js';
import { SortedSet, type ZsetLimits } from '../../keyspace/types/zset/sorted-set.js';
import { strtod } from '../../keyspace/types/zset/strtod.js';
import { QUICKLIST_NODE_PACKED, QUICKLIST_NODE_PLAIN, RdbType } from './constants.js';
import { hashFromListpack, smallListFromQuicklist2, smallSetFromInput, zsetFromListpack } from './direct-pack.js';
import { readListpack } from './listpack.js';
import { RdbInput } from './rdb-input.js';
import { readStreamBody } from './stream-decode.js';
import { readIntset, readZiplist, readZipmap } from './ziplist.js';

export { RdbInput };

/** The encoding thresholds a loaded value is converted by (Redis's config at load time). */
export interface DecodeLimits {
  readonly hashMaxListpackEntries: number;
  readonly hashMaxListpackValue: number;
  readonly zsetMaxListpackEntries: number;
  readonly zsetMaxListpackValue: number;
  readonly setMaxIntsetEntries: number;
}

/** Redis 7.0's defaults. */
export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
};

/** Redis's module type names: 9 characters of 6 bits each in the top of the 64-bit module id. */
const MODULE_NAME_CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function moduleTypeName(id: number | bigint): string {
  let rest = BigInt(id) >> 10n;
  const chars: string[] = [];
  for (let j = 0; j < 9; j++) {
    chars.unshift(MODULE_NAME_CHARSET[Number(rest & 63n)] as string);
    rest >>= 6n;
  }
  return chars.join('');
}

/**
 * Reads one value of RDB object type `typeByte`: every encoding Redis 7.0 loads (and 7.2's
 * listpack sets and STREAM_LISTPACKS_3), converted to the encoding Redis picks after loading
 * under `limits` (so OBJECT ENCODING matches a redis-server that loaded the same file). An
 * empty container comes back empty: a file loader skips it, RESTORE refuses it.
 */
export function decodeValue(typeByte: number, input: RdbInput, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): StoredValue {
  const at = input.pos;
  const fileAt = input.baseOffset + at;
  switch (typeByte) {
    case RdbType.string:
      return input.string('a string value');
    case RdbType.list: {
      const n = input.count('the list length');
      const elements = new Array<string>(n);
      for (let i = 0; i < n; i++) elements[i] = input.string('a list element');
      return listOf(elements);
    }
    case RdbType.listZiplist:
      return listOf(readZiplist(input.stringView('a ziplist'), fileAt));
    case RdbType.listQuicklist:
      return readQuicklist(typeByte, input);
    case RdbType.listQuicklist2:
      return smallListFromQuicklist2(input) ?? readQuicklist(typeByte, input);
    case RdbType.set: {
      const n = input.count('the set size');
      const direct = smallSetFromInput(input, n);
      if (direct !== undefined) return direct;
      const members = new Array<string>(n);
      for (let i = 0; i < n; i++) members[i] = input.string('a set member');
      return setOf(members, limits, input, at);
    }
    case RdbType.setIntset:
      return setOf(readIntset(input.stringView('an intset'), fileAt), limits, input, at);
    case RdbType.setListpack:
      return setOf(readListpack(input.stringView('a set listpack'), fileAt), limits, input, at);
    case RdbType.zset:
    case RdbType.zset2: {
      const n = input.count('the sorted set size');
      const members = new Array<string>(n);
      const scores = new Array<number>(n);
      for (let i = 0; i < n; i++) {
        members[i] = input.string('a sorted set member');
        scores[i] = typeByte === RdbType.zset2 ? input.doubleLE() : input.asciiDouble();
        if (Number.isNaN(scores[i])) throw input.error('sorted set score is NaN');
      }
      return zsetOf(members, scores, limits, input, at);
    }
    case RdbType.zsetZiplist:
    case RdbType.zsetListpack: {
      const view = input.stringView('a sorted set listpack');
      if (typeByte === RdbType.zsetListpack) {
        const direct = zsetFromListpack(view, limits.zsetMaxListpackEntries);
        if (direct !== undefined) return direct;
      }
      const flat = typeByte === RdbType.zsetListpack ? readListpack(view, fileAt) : readZiplist(view, fileAt);
      if (flat.length % 2 !== 0) throw input.error('sorted set listpack with an odd element count', at);
      const members = new Array<string>(flat.length / 2);
      const scores = new Array<number>(flat.length / 2);
      for (let i = 0; i < members.length; i++) {
        members[i] = flat[i * 2] as string;
        scores[i] = listpackScore(flat[i * 2 + 1] as string, input, at);
      }
      return zsetOf(members, scores, limits, input, at, false);
    }
    case RdbType.hash: {
      const n = input.count('the hash size', 2);
      const flat = new Array<string>(n * 2);
      for (let i = 0; i < n * 2; i++) flat[i] = input.string(i % 2 === 0 ? 'a hash field' : 'a hash value');
      return hashOf(flat, limits, input, at);
    }
    case RdbType.hashZipmap:
      return hashOf(readZipmap(input.stringView('a zipmap'), fileAt), limits, input, at);
    case RdbType.hashZiplist:
    case RdbType.hashListpack: {
      const view = input.stringView('a hash listpack');
      if (typeByte === RdbType.hashListpack) {
        const direct = hashFromListpack(view, limits.hashMaxListpackEntries);
        if (direct !== undefined) return direct;
      }
      const flat = typeByte === RdbType.hashListpack ? readListpack(view, fileAt) : readZiplist(view, fileAt);
      if (flat.length % 2 !== 0) throw input.error('hash listpack with an odd element count', at);
      return hashOf(flat, limits, input, at, false);
    }
    case RdbType.streamListpacks:
    case RdbType.streamListpacks2:
    case RdbType.streamListpacks3:
      return readStreamBody(typeByte, input);
    case RdbType.moduleV1:
    case RdbType.moduleV2: {
      const id = input.lenU64('a module type id');
      throw input.error(`module type '${moduleTypeName(id)}' not supported (a value written by a Redis module)`, at);
    }
    default:
      throw input.error(`unknown RDB object type ${typeByte}`, at - 1);
  }
}

/** zzlGetScore: an integer element or strtod of the text; plain decimals take Number's fast path. */
function listpackScore(text: string, input: RdbInput, at: number): number {
  const fast = Number(text);
  if (!Number.isNaN(fast) && text.length > 0) return fast;
  const parsed = strtod(text);
  if (parsed.length === 0 || Number.isNaN(parsed.value)) throw input.error('sorted set listpack with a bad score', at);
  return parsed.value;
}

function listOf(elements: readonly string[]): ListValue {
  const list = ListValue.from(elements);
  list.settle();
  return list;
}

/** QUICKLIST (ziplist nodes) and QUICKLIST_2 (listpack or PLAIN nodes); empty nodes are skipped, as Redis does. */
function readQuicklist(type: number, input: RdbInput): ListValue {
  const nodes = input.count('the quicklist node count');
  const list = new ListValue();
  for (let n = 0; n < nodes; n++) {
    let container: number = QUICKLIST_NODE_PACKED;
    if (type === RdbType.listQuicklist2) {
      const at = input.pos;
      container = input.len('a quicklist node container');
      if (container !== QUICKLIST_NODE_PACKED && container !== QUICKLIST_NODE_PLAIN) throw input.error(`quicklist node container ${container} unknown`, at);
    }
    if (container === QUICKLIST_NODE_PLAIN) {
      list.pushBack(input.string('a quicklist plain node'));
      continue;
    }
    const fileAt = input.baseOffset + input.pos;
    const view = input.stringView('a quicklist node');
    const elements = type === RdbType.listQuicklist2 ? readListpack(view, fileAt) : readZiplist(view, fileAt);
    for (const element of elements) list.pushBack(element);
  }
  list.settle();
  return list;
}

function setOf(members: readonly string[], limits: DecodeLimits, input: RdbInput, at: number): SetValue {
  const set = new SetValue(members[0]);
  for (const member of members) {
    if (!set.add(member, limits.setMaxIntsetEntries)) throw input.error('duplicate set members', at);
  }
  return set;
}

/**
 * `checkLengths`: whether a long member makes the set a skiplist. Redis 7.0 checks lengths when
 * it loads ZSET/ZSET_2, and only the count for a listpack or ziplist (written by a server whose
 * zset-max-listpack-value was larger, it stays a listpack).
 */
function zsetOf(members: readonly string[], scores: readonly number[], limits: DecodeLimits, input: RdbInput, at: number, checkLengths = true): SortedSet {
  let maxMemberBytes = 0;
  if (checkLengths) for (const member of members) if (member.length > maxMemberBytes) maxMemberBytes = member.length;
  const zsetLimits: ZsetLimits = {
    maxListpackEntries: limits.zsetMaxListpackEntries,
    maxListpackValueBytes: checkLengths ? limits.zsetMaxListpackValue : Number.POSITIVE_INFINITY,
  };
  if (members.length <= zsetLimits.maxListpackEntries && maxMemberBytes <= zsetLimits.maxListpackValueBytes) {
    if (inOrder(members, scores)) return SortedSet.fromSortedListpack(members.slice(), scores.slice());
    // ZSET_2 is written greatest first.
    const reversedMembers = members.slice().reverse();
    const reversedScores = scores.slice().reverse();
    if (inOrder(reversedMembers, reversedScores)) return SortedSet.fromSortedListpack(reversedMembers, reversedScores);
  }
  const zset = SortedSet.create(members.length, maxMemberBytes, zsetLimits);
  for (let i = 0; i < members.length; i++) {
    const member = members[i] as string;
    if (zset.has(member)) throw input.error('duplicate sorted set members', at);
    zset.insertNew(member, scores[i] as number, zsetLimits);
  }
  return zset;
}

/** Strictly ascending by (score, member), so distinct: a listpack from Redis always is. */
function inOrder(members: readonly string[], scores: readonly number[]): boolean {
  for (let i = 1; i < members.length; i++) {
    const a = scores[i - 1] as number;
    const b = scores[i] as number;
    if (a > b || (a === b && !((members[i - 1] as string) < (members[i] as string)))) return false;
  }
  return true;
}

/** `checkLengths`: as for sorted sets, Redis 7.0 converts a loaded listpack or ziplist hash by its count only. */
function hashOf(flat: readonly string[], limits: DecodeLimits, input: RdbInput, at: number, checkLengths = true): HashValue {
  const hashLimits: HashLimits = {
    maxListpackEntries: limits.hashMaxListpackEntries,
    maxListpackValueBytes: checkLengths ? limits.hashMaxListpackValue : Number.POSITIVE_INFINITY,
  };
  const hash = new HashValue();
  const pairs = flat.length / 2;
  if (pairs > limits.hashMaxListpackEntries) hash.convertToTable();
  const created = pairs === 0 ? 0 : hash.setPairs(flat, 0, hashLimits);
  if (created !== pairs) throw input.error('duplicate hash fields', at);
  return hash;
}
