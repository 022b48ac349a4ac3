import type { ContainerValue } from '../../stored-value.js';
import { MemberTable } from '../set/member-table.js';
import { ALL_PAIRS, appendPacked, countPairs, findPair, forEachPair, forEachPairCopied, rebuildPacked } from './packed-pairs.js';

/** hash-max-listpack-entries and hash-max-listpack-value, read by the command at each write. */
export interface HashLimits {
  readonly maxListpackEntries: number;
  readonly maxListpackValueBytes: number;
}

/** V8 object header and one field; a string's header (docs/memory-accounting.md). */
const OBJECT_BYTES = 32;
/** The PackedTable wrapper: header and one field. */
const PACKED_TABLE_OBJECT_BYTES = 32;
/** The MemberTable object (its arrays and index are counted apart). */
const TABLE_OBJECT_BYTES = 40;
const STRING_HEADER_BYTES = 16;
/** Two array cells (field, value); the index is counted apart (MemberTable.indexBytes). */
const TABLE_ENTRY_BYTES = 16;
/** Fields whose sizes MEMORY USAGE samples (then extrapolates), as Redis samples. */
const MEMORY_SAMPLE_FIELDS = 64;

function stringBytes(length: number): number {
  return STRING_HEADER_BYTES + Math.ceil(length / 8) * 8;
}

/**
 * A hash that Redis holds as a hashtable only because of a long field or value (over
 * hash-max-listpack-value) stays packed here while it is this small: 10 fields of 100 bytes
 * then cost ~1.3 KB instead of ~2.5 KB in a Map. OBJECT ENCODING still says hashtable (the
 * only place an encoding shows), and it never goes back to listpack.
 */
const PACKED_TABLE_MAX_ENTRIES = 128;
const PACKED_TABLE_MAX_TEXT_BYTES = 1024;
const PACKED_TABLE_MAX_BYTES = 16 * 1024;

/**
 * A packed hash that Redis would hold as a hashtable (PACKED_TABLE_*): a wrapper, so that the
 * common listpack case needs no flag in HashValue. Its `packed` is replaced on each write.
 */
class PackedTable {
  constructor(public packed: string) {}
}

/**
 * A hash value. Small hashes are one packed string in insertion order (OBJECT ENCODING
 * listpack); past hash-max-listpack-entries pairs, or with a field or value longer than
 * hash-max-listpack-value, they become a hashtable for good, as in Redis: packed still while
 * small (a PackedTable, see PACKED_TABLE_*), then a MemberTable.
 * One field only: this object exists once per hash key, and 100k small hashes are common (a
 * second field, the pair count, cost 8 bytes per hash key; the count is now walked when asked).
 */
export class HashValue implements ContainerValue {
  /** The packed pairs (listpack), a PackedTable, or the MemberTable. */
  #data: string | PackedTable | MemberTable = '';

  /**
   * A listpack-encoded hash from packed pairs (packed-pairs.ts's format) with distinct fields,
   * within hash-max-listpack-entries (an RDB listpack decoded straight into it).
   */
  static fromPacked(packed: string): HashValue {
    const hash = new HashValue();
    hash.#data = packed;
    return hash;
  }

  /**
   * The packed pairs when listpack-encoded (packed-pairs.ts's format, `size` pairs), else
   * undefined: the RDB encoder reads them in place instead of one string per field and value.
   */
  get packedListpack(): string | undefined {
    return typeof this.#data === 'string' ? this.#data : undefined;
  }

  /** On the prototype, not in each object. */
  get type(): 'hash' {
    return 'hash';
  }

  /** The packed pairs of either packed form, else undefined (a MemberTable). */
  #packed(): string | undefined {
    const data = this.#data;
    if (typeof data === 'string') return data;
    return data instanceof PackedTable ? data.packed : undefined;
  }

  /** Replaces the packed pairs, keeping the packed form (listpack or PackedTable). */
  #setPacked(packed: string): void {
    const data = this.#data;
    if (data instanceof PackedTable) data.packed = packed;
    else this.#data = packed;
  }

  get size(): number {
    const packed = this.#packed();
    return packed !== undefined ? countPairs(packed) : (this.#data as MemberTable).size;
  }

  /** No pairs: O(1), where `size` walks a packed hash's length prefixes. */
  get isEmpty(): boolean {
    const packed = this.#packed();
    return packed !== undefined ? packed.length === 0 : (this.#data as MemberTable).size === 0;
  }

  encoding(): string {
    return typeof this.#data === 'string' ? 'listpack' : 'hashtable';
  }

  get(field: string): string | undefined {
    const data = this.#data;
    if (data instanceof MemberTable) {
      const slot = data.slotOf(field);
      return slot === undefined ? undefined : data.values[slot];
    }
    const packed = typeof data === 'string' ? data : data.packed;
    const at = findPair(packed, ALL_PAIRS, field);
    return at === undefined ? undefined : packed.slice(at.valueStart, at.valueEnd);
  }

  has(field: string): boolean {
    const data = this.#data;
    if (data instanceof MemberTable) return data.has(field);
    return findPair(typeof data === 'string' ? data : data.packed, ALL_PAIRS, field) !== undefined;
  }

  /** Converts to a MemberTable now. */
  convertToTable(): void {
    const packed = this.#packed();
    if (packed === undefined) return;
    const table = new MemberTable();
    forEachPairCopied(packed, ALL_PAIRS, (field, value) => table.add(field, value));
    this.#data = table;
  }

  /**
   * Redis's hashTypeTryConversion (and hashTypeSet's check): a text longer than
   * hash-max-listpack-value makes a listpack a hashtable; a text too long for a packed
   * hashtable makes it a MemberTable.
   */
  convertIfTooLong(texts: readonly string[], from: number, to: number, limits: HashLimits): void {
    for (let i = from; i < to && !(this.#data instanceof MemberTable); i++) this.#admit((texts[i] as string).length, limits);
  }

  #admit(textBytes: number, limits: HashLimits): void {
    const data = this.#data;
    if (typeof data === 'string' && textBytes > limits.maxListpackValueBytes) {
      if (countPairs(data) >= PACKED_TABLE_MAX_ENTRIES) {
        this.convertToTable();
        return;
      }
      this.#data = new PackedTable(data);
    }
    if (this.#data instanceof PackedTable && textBytes > PACKED_TABLE_MAX_TEXT_BYTES) this.convertToTable();
  }

  /**
   * After a write (Redis's hashTypeSet checks after updates too): the listpack's entry limit
   * (Redis), or the packed table's bounds. A pair takes at least two chars (its two length
   * prefixes), so a string of up to 2 × limit chars is not walked.
   */
  #checkPackedSize(limits: HashLimits): void {
    const data = this.#data;
    if (data instanceof MemberTable) return;
    const packed = typeof data === 'string' ? data : data.packed;
    const maxEntries = typeof data === 'string' ? limits.maxListpackEntries : PACKED_TABLE_MAX_ENTRIES;
    const tooBig =
      (typeof data !== 'string' && packed.length > PACKED_TABLE_MAX_BYTES) ||
      (packed.length > 2 * maxEntries && countPairs(packed) > maxEntries);
    if (tooBig) this.convertToTable();
  }

  /** Sets a field; true when it is new. Converts like Redis's hashTypeSet. */
  set(field: string, value: string, limits: HashLimits): boolean {
    if (!(this.#data instanceof MemberTable)) {
      this.#admit(field.length, limits);
      if (!(this.#data instanceof MemberTable)) this.#admit(value.length, limits);
    }
    const data = this.#data;
    if (data instanceof MemberTable) return data.add(field, value);
    const packed = typeof data === 'string' ? data : data.packed;
    const at = findPair(packed, ALL_PAIRS, field);
    if (at !== undefined) {
      this.#setPacked(rebuildPacked(packed, at.pairStart, at.valueEnd, field, value));
      this.#checkPackedSize(limits);
      return false;
    }
    this.#setPacked(rebuildPacked(packed, packed.length, packed.length, field, value));
    this.#checkPackedSize(limits);
    return true;
  }

  /**
   * HSET's pairs texts[from], texts[from+1], ... at once: same result as set() for each pair
   * in turn (later pairs win, conversion past the limits), but a packed hash is rebuilt once
   * for all new fields instead of once per field. Returns how many fields were new.
   */
  setPairs(texts: readonly string[], from: number, limits: HashLimits): number {
    this.convertIfTooLong(texts, from, texts.length, limits);
    const data = this.#data;
    if (data instanceof MemberTable) {
      let created = 0;
      for (let i = from; i < texts.length; i += 2) if (data.add(texts[i] as string, texts[i + 1] as string)) created++;
      return created;
    }
    if (texts.length - from === 2) return this.set(texts[from] as string, texts[from + 1] as string, limits) ? 1 : 0;
    let packed = typeof data === 'string' ? data : data.packed;
    // New fields are gathered (with their latest value) and appended in one rebuild.
    const added = new Map<string, string>();
    for (let i = from; i < texts.length; i += 2) {
      const field = texts[i] as string;
      const value = texts[i + 1] as string;
      if (added.has(field)) {
        added.set(field, value);
        continue;
      }
      const at = findPair(packed, ALL_PAIRS, field);
      if (at !== undefined) packed = rebuildPacked(packed, at.pairStart, at.valueEnd, field, value);
      else added.set(field, value);
    }
    this.#setPacked(added.size === 0 ? packed : appendPacked(packed, added));
    this.#checkPackedSize(limits);
    return added.size;
  }

  /** Removes a field; true when it was there. */
  delete(field: string): boolean {
    const data = this.#data;
    if (data instanceof MemberTable) return data.delete(field);
    const packed = typeof data === 'string' ? data : data.packed;
    const at = findPair(packed, ALL_PAIRS, field);
    if (at === undefined) return false;
    this.#setPacked(rebuildPacked(packed, at.pairStart, at.valueEnd));
    return true;
  }

  /** Every pair, in insertion order for a listpack. */
  forEach(visit: (field: string, value: string) => void): void {
    const data = this.#data;
    if (!(data instanceof MemberTable)) {
      forEachPair(typeof data === 'string' ? data : data.packed, ALL_PAIRS, visit);
      return;
    }
    const { members, values } = data;
    for (let i = 0; i < members.length; i++) visit(members[i] as string, values[i] as string);
  }

  /** Fields and values as parallel arrays (random picks, whole replies). Do not modify. */
  toArrays(): { fields: readonly string[]; values: readonly string[] } {
    const data = this.#data;
    if (data instanceof MemberTable) return { fields: data.members, values: data.values };
    const fields: string[] = [];
    const values: string[] = [];
    this.forEach((field, value) => {
      fields.push(field);
      values.push(value);
    });
    return { fields, values };
  }

  /** The MemberTable, or undefined for the packed forms (HSCAN returns those whole). */
  get table(): MemberTable | undefined {
    return this.#data instanceof MemberTable ? this.#data : undefined;
  }

  clone(): HashValue {
    const copy = new HashValue();
    const data = this.#data;
    if (typeof data === 'string') {
      copy.#data = data; // immutable: shared
    } else if (data instanceof PackedTable) {
      copy.#data = new PackedTable(data.packed);
    } else {
      const table = new MemberTable();
      this.forEach((field, value) => table.add(field, value));
      copy.#data = table;
    }
    return copy;
  }

  memoryUsageBytes(): number {
    const data = this.#data;
    if (typeof data === 'string') return OBJECT_BYTES + stringBytes(data.length);
    if (data instanceof PackedTable) return OBJECT_BYTES + PACKED_TABLE_OBJECT_BYTES + stringBytes(data.packed.length);
    // Sampled like Redis's MEMORY USAGE (objectComputeSize): the first entries' sizes, times
    // the count. A full walk made the memory gauge's sampling (every 100 ms) O(fields).
    const count = Math.min(data.members.length, MEMORY_SAMPLE_FIELDS);
    let sampled = 0;
    for (let i = 0; i < count; i++) {
      sampled += TABLE_ENTRY_BYTES + stringBytes((data.members[i] as string).length) + stringBytes((data.values[i] as string).length);
    }
    return OBJECT_BYTES + TABLE_OBJECT_BYTES + data.indexBytes + (count === 0 ? 0 : Math.round((sampled / count) * data.members.length));
  }
}
