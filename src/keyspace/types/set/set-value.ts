import { parseCanonicalInteger, type ContainerValue } from '../../stored-value.js';
import { entriesOf, findEntry, lastEntryEnd, rebuildPacked } from '../hash/packed-pairs.js';
import { MemberTable } from './member-table.js';
import { EMPTY_INTSET, intsetAdd, intsetAt, intsetDelete, intsetHas, intsetMembers, intsetSize } from './packed-ints.js';

/** V8 object header and one field (plus the small set's count); a string's header (docs/memory-accounting.md). */
const OBJECT_BYTES = 32;
const STRING_HEADER_BYTES = 16;
/** The dense array's cell; the index is counted apart (MemberTable.indexBytes). */
const TABLE_ENTRY_BYTES = 8;
/** Members whose sizes MEMORY USAGE samples (then extrapolates), as Redis samples. */
const MEMORY_SAMPLE_MEMBERS = 64;

function stringBytes(length: number): number {
  return STRING_HEADER_BYTES + Math.ceil(length / 8) * 8;
}

/** Redis's isSdsRepresentableAsLongLong: a member an intset can hold. */
export function isIntsetMember(member: string): boolean {
  if (member.length === 0 || member.length > 20) return false;
  const first = member.charCodeAt(0);
  if (first !== 45 && (first < 48 || first > 57)) return false;
  return parseCanonicalInteger(member) !== null;
}

/**
 * Small non-integer sets are stored packed (one string, like Redis 7.2's listpack sets) while
 * they have at most this many members of at most SMALL_SET_MAX_MEMBER_BYTES: a 10-member set
 * then costs ~200 bytes instead of ~1,000 for a Map and an array. Redis 7.0 reports such sets
 * as hashtable, and so do we (OBJECT ENCODING is the only place the encoding shows).
 */
export const SMALL_SET_MAX_MEMBERS = 128;
export const SMALL_SET_MAX_MEMBER_BYTES = 64;
/** A small packed set's string starts with this char (an intset's starts with its width). */
const SMALL_SET_MARKER = '\0';
const EMPTY_SMALL_SET = SMALL_SET_MARKER;
/** Where a small set's entries start. */
const SMALL_SET_ORIGIN = 1;

/**
 * A set value. Redis 7.0 has two encodings: intset (only integers, at most
 * set-max-intset-entries, sorted, so SMEMBERS lists them in order) and hashtable. An intset
 * turns into a hashtable on the first non-integer member or past the limit, for good; only new
 * sets (SADD's first member, SMOVE, SPOP's rebuild, *STORE results) start as intsets again.
 * A "hashtable" is a small packed set first, then a MemberTable (internal, one-way).
 */
export class SetValue implements ContainerValue {
  /** An intset (packed-ints.ts), a small packed set (marker first), or the MemberTable. */
  #data: string | MemberTable;
  /** Members of a small packed set. */
  #smallCount = 0;

  /** Redis's setTypeCreate: an intset when the first member is an integer. */
  constructor(firstMember?: string) {
    this.#data = firstMember === undefined || isIntsetMember(firstMember) ? EMPTY_INTSET : EMPTY_SMALL_SET;
  }

  /**
   * A small packed set from its packed string (marker char, then packed-pairs.ts entries) of
   * `count` distinct members, none an intset member, each at most SMALL_SET_MAX_MEMBER_BYTES,
   * count at most SMALL_SET_MAX_MEMBERS (an RDB set decoded straight into it).
   */
  static fromSmallPacked(packed: string, count: number): SetValue {
    const set = new SetValue('');
    set.#data = packed;
    set.#smallCount = count;
    return set;
  }

  /**
   * A small packed set's string (marker char, then `size` packed-pairs.ts entries), else
   * undefined: the RDB encoder reads it in place instead of one string per member.
   */
  get smallPacked(): string | undefined {
    const data = this.#data;
    return typeof data === 'string' && data.charCodeAt(0) === 0 ? data : undefined;
  }

  /** On the prototype, not in each object. */
  get type(): 'set' {
    return 'set';
  }

  get size(): number {
    const data = this.#data;
    if (typeof data !== 'string') return data.size;
    return data.charCodeAt(0) === 0 ? this.#smallCount : intsetSize(data);
  }

  encoding(): string {
    const data = this.#data;
    return typeof data === 'string' && data.charCodeAt(0) !== 0 ? 'intset' : 'hashtable';
  }

  has(member: string): boolean {
    const data = this.#data;
    if (typeof data !== 'string') return data.has(member);
    if (data.charCodeAt(0) === 0) return findEntry(data, SMALL_SET_ORIGIN, this.#smallCount, member) >= 0;
    return isIntsetMember(member) && intsetHas(data, member);
  }

  /** Adds a member; false when already there. `maxIntsetEntries` is set-max-intset-entries. */
  add(member: string, maxIntsetEntries: number): boolean {
    const data = this.#data;
    if (typeof data !== 'string') return data.add(member);
    if (data.charCodeAt(0) === 0) return this.#addToSmall(data, member);
    if (!isIntsetMember(member)) return this.#addToSmall(this.#leaveIntset(), member);
    const next = intsetAdd(data, member);
    if (next === data) return false;
    this.#data = next;
    if (intsetSize(next) > maxIntsetEntries) this.#leaveIntset();
    return true;
  }

  #addToSmall(data: string | MemberTable, member: string): boolean {
    if (typeof data !== 'string') return data.add(member);
    if (findEntry(data, SMALL_SET_ORIGIN, this.#smallCount, member) >= 0) return false;
    if (this.#smallCount >= SMALL_SET_MAX_MEMBERS || member.length > SMALL_SET_MAX_MEMBER_BYTES) return this.#toTable().add(member);
    this.#data = rebuildPacked(data, data.length, data.length, member);
    this.#smallCount++;
    return true;
  }

  delete(member: string): boolean {
    const data = this.#data;
    if (typeof data !== 'string') return data.delete(member);
    if (data.charCodeAt(0) === 0) {
      const start = findEntry(data, SMALL_SET_ORIGIN, this.#smallCount, member);
      if (start < 0) return false;
      this.#data = rebuildPacked(data, start, lastEntryEnd);
      this.#smallCount--;
      return true;
    }
    if (!isIntsetMember(member)) return false;
    const next = intsetDelete(data, member);
    if (next === data) return false;
    this.#data = next;
    return true;
  }

  /** Redis's intset to hashtable conversion: here to a small packed set when it fits. */
  #leaveIntset(): string | MemberTable {
    const members = intsetMembers(this.#data as string);
    if (members.length >= SMALL_SET_MAX_MEMBERS) {
      const table = new MemberTable();
      for (const member of members) table.add(member);
      this.#data = table;
      return table;
    }
    let packed = EMPTY_SMALL_SET;
    for (const member of members) packed = rebuildPacked(packed, packed.length, packed.length, member);
    this.#data = packed;
    this.#smallCount = members.length;
    return packed;
  }

  #toTable(): MemberTable {
    const table = new MemberTable();
    for (const member of this.members) table.add(member);
    this.#data = table;
    this.#smallCount = 0;
    return table;
  }

  /** The members as a dense array (packed forms: decoded on each call; intset sorted). Do not modify. */
  get members(): readonly string[] {
    const data = this.#data;
    if (typeof data !== 'string') return data.members;
    return data.charCodeAt(0) === 0 ? entriesOf(data, SMALL_SET_ORIGIN, this.#smallCount) : intsetMembers(data);
  }

  /** A uniformly random member; the set must not be empty. */
  randomMember(randomIndex: (maxExclusive: number) => number): string {
    const data = this.#data;
    if (typeof data !== 'string') return data.members[randomIndex(data.size)] as string;
    if (data.charCodeAt(0) !== 0) return intsetAt(data, randomIndex(intsetSize(data)));
    return this.members[randomIndex(this.#smallCount)] as string;
  }

  /** The MemberTable, or undefined for the packed forms (SSCAN returns those whole). */
  get table(): MemberTable | undefined {
    const data = this.#data;
    return typeof data === 'string' ? undefined : data;
  }

  clone(): SetValue {
    const copy = new SetValue();
    const data = this.#data;
    if (typeof data === 'string') {
      copy.#data = data; // immutable: shared
      copy.#smallCount = this.#smallCount;
    } else {
      const table = new MemberTable();
      for (const member of data.members) table.add(member);
      copy.#data = table;
    }
    return copy;
  }

  memoryUsageBytes(): number {
    const data = this.#data;
    if (typeof data === 'string') return OBJECT_BYTES + 8 + stringBytes(data.length);
    // Sampled like Redis's MEMORY USAGE (objectComputeSize): the first members' sizes, times
    // the count. A full walk made the memory gauge's sampling (every 100 ms) O(members).
    const count = Math.min(data.members.length, MEMORY_SAMPLE_MEMBERS);
    let sampled = 0;
    for (let i = 0; i < count; i++) sampled += TABLE_ENTRY_BYTES + stringBytes((data.members[i] as string).length);
    return OBJECT_BYTES * 2 + data.indexBytes + (count === 0 ? 0 : Math.round((sampled / count) * data.members.length));
  }
}
