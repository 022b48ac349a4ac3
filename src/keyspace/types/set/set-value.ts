import { parseCanonicalInteger, type ContainerValue } from '../../stored-value.js';
import { MemberTable } from './member-table.js';
import { EMPTY_INTSET, intsetAdd, intsetAt, intsetDelete, intsetHas, intsetMembers, intsetSize } from './packed-ints.js';

/** V8 object header and one field; a string's header (docs/memory-accounting.md). */
const OBJECT_BYTES = 32;
const STRING_HEADER_BYTES = 16;
/** A Map entry with the table's spare room, plus the dense array's cell. */
const TABLE_ENTRY_BYTES = 48;

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
 * A set value. Redis 7.0 has two encodings: intset (only integers, at most
 * set-max-intset-entries, sorted, so SMEMBERS lists them in order) and hashtable. An intset
 * turns into a hashtable on the first non-integer member or past the limit, for good; only new
 * sets (SADD's first member, SMOVE, SPOP's rebuild, *STORE results) start as intsets again.
 */
export class SetValue implements ContainerValue {
  /** The intset (packed-ints.ts), or the hashtable once converted. */
  #data: string | MemberTable;

  /** Redis's setTypeCreate: an intset when the first member is an integer. */
  constructor(firstMember?: string) {
    this.#data = firstMember === undefined || isIntsetMember(firstMember) ? EMPTY_INTSET : new MemberTable();
  }

  /** On the prototype, not in each object. */
  get type(): 'set' {
    return 'set';
  }

  get size(): number {
    const data = this.#data;
    return typeof data === 'string' ? intsetSize(data) : data.size;
  }

  encoding(): string {
    return typeof this.#data === 'string' ? 'intset' : 'hashtable';
  }

  has(member: string): boolean {
    const data = this.#data;
    if (typeof data === 'string') return isIntsetMember(member) && intsetHas(data, member);
    return data.has(member);
  }

  /** Adds a member; false when already there. `maxIntsetEntries` is set-max-intset-entries. */
  add(member: string, maxIntsetEntries: number): boolean {
    const data = this.#data;
    if (typeof data !== 'string') return data.add(member);
    if (!isIntsetMember(member)) {
      return this.#convert().add(member);
    }
    const next = intsetAdd(data, member);
    if (next === data) return false;
    this.#data = next;
    if (intsetSize(next) > maxIntsetEntries) this.#convert();
    return true;
  }

  delete(member: string): boolean {
    const data = this.#data;
    if (typeof data !== 'string') return data.delete(member);
    if (!isIntsetMember(member)) return false;
    const next = intsetDelete(data, member);
    if (next === data) return false;
    this.#data = next;
    return true;
  }

  #convert(): MemberTable {
    const data = this.#data;
    if (typeof data !== 'string') return data;
    const table = new MemberTable();
    for (const member of intsetMembers(data)) table.add(member);
    this.#data = table;
    return table;
  }

  /** The members as a dense array (intset: sorted, decoded on each call). Do not modify. */
  get members(): readonly string[] {
    const data = this.#data;
    return typeof data === 'string' ? intsetMembers(data) : data.members;
  }

  /** A uniformly random member; the set must not be empty. */
  randomMember(randomIndex: (maxExclusive: number) => number): string {
    const data = this.#data;
    if (typeof data === 'string') return intsetAt(data, randomIndex(intsetSize(data)));
    return data.members[randomIndex(data.size)] as string;
  }

  /** The hashtable, or undefined for an intset (SSCAN uses a cursor only on a hashtable). */
  get table(): MemberTable | undefined {
    const data = this.#data;
    return typeof data === 'string' ? undefined : data;
  }

  clone(): SetValue {
    const copy = new SetValue();
    const data = this.#data;
    if (typeof data === 'string') {
      copy.#data = data; // immutable: shared
    } else {
      const table = new MemberTable();
      for (const member of data.members) table.add(member);
      copy.#data = table;
    }
    return copy;
  }

  memoryUsageBytes(): number {
    const data = this.#data;
    if (typeof data === 'string') return OBJECT_BYTES + stringBytes(data.length);
    let bytes = OBJECT_BYTES * 2;
    for (const member of data.members) bytes += TABLE_ENTRY_BYTES + stringBytes(member.length);
    return bytes;
  }
}
