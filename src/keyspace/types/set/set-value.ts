import { parseCanonicalInteger, type ContainerValue } from '../../stored-value.js';
import { searchIntegerTexts } from './int-order.js';
import { MemberTable } from './member-table.js';

const OBJECT_BYTES = 48;
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
 * set-max-intset-entries, kept sorted so SMEMBERS lists them in order) and hashtable. An intset
 * turns into a hashtable on the first non-integer member or past the limit, for good; only new
 * sets (SADD's first member, SMOVE, SPOP's rebuild, *STORE results) start as intsets again.
 */
export class SetValue implements ContainerValue {
  /** The intset (sorted canonical integer texts), or the hashtable once converted. */
  #data: string[] | MemberTable;

  /** Redis's setTypeCreate: an intset when the first member is an integer. */
  constructor(firstMember?: string) {
    this.#data = firstMember === undefined || isIntsetMember(firstMember) ? [] : new MemberTable();
  }

  /** On the prototype, not in each object. */
  get type(): 'set' {
    return 'set';
  }

  /** The sorted integer texts while this is an intset. */
  get #ints(): string[] | undefined {
    const data = this.#data;
    return data instanceof MemberTable ? undefined : data;
  }

  get #table(): MemberTable | undefined {
    const data = this.#data;
    return data instanceof MemberTable ? data : undefined;
  }

  get size(): number {
    return this.#ints !== undefined ? this.#ints.length : (this.#table as MemberTable).size;
  }

  encoding(): string {
    return this.#ints !== undefined ? 'intset' : 'hashtable';
  }

  has(member: string): boolean {
    if (this.#ints !== undefined) return isIntsetMember(member) && searchIntegerTexts(this.#ints, member) >= 0;
    return (this.#table as MemberTable).has(member);
  }

  /** Adds a member; false when already there. `maxIntsetEntries` is set-max-intset-entries. */
  add(member: string, maxIntsetEntries: number): boolean {
    const ints = this.#ints;
    if (ints === undefined) return (this.#table as MemberTable).add(member);
    if (!isIntsetMember(member)) {
      this.#convert();
      return (this.#table as MemberTable).add(member);
    }
    const at = searchIntegerTexts(ints, member);
    if (at >= 0) return false;
    ints.splice(-at - 1, 0, member);
    if (ints.length > maxIntsetEntries) this.#convert();
    return true;
  }

  delete(member: string): boolean {
    const ints = this.#ints;
    if (ints === undefined) return (this.#table as MemberTable).delete(member);
    if (!isIntsetMember(member)) return false;
    const at = searchIntegerTexts(ints, member);
    if (at < 0) return false;
    ints.splice(at, 1);
    return true;
  }

  #convert(): void {
    const table = new MemberTable();
    for (const member of this.#ints as string[]) table.add(member);
    this.#data = table;
  }

  /** The members as a dense array (intset: sorted). Do not modify. */
  get members(): readonly string[] {
    return this.#ints ?? (this.#table as MemberTable).members;
  }

  /** A uniformly random member; the set must not be empty. */
  randomMember(randomIndex: (maxExclusive: number) => number): string {
    const members = this.members;
    return members[randomIndex(members.length)] as string;
  }

  /** The hashtable, or undefined for an intset (SSCAN uses a cursor only on a hashtable). */
  get table(): MemberTable | undefined {
    return this.#table;
  }

  clone(): SetValue {
    const copy = new SetValue();
    const ints = this.#ints;
    if (ints !== undefined) {
      copy.#data = ints.slice();
    } else {
      const table = new MemberTable();
      for (const member of this.members) table.add(member);
      copy.#data = table;
    }
    return copy;
  }

  memoryUsageBytes(): number {
    // Intset members are strings in a sorted array: a cell each plus the string.
    const perMemberBytes = this.#ints !== undefined ? 8 : TABLE_ENTRY_BYTES;
    let bytes = OBJECT_BYTES * 2;
    for (const member of this.members) bytes += perMemberBytes + stringBytes(member.length);
    return bytes;
  }
}
