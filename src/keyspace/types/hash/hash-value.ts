import type { ContainerValue } from '../../stored-value.js';
import { MemberTable } from '../set/member-table.js';
import { appendPacked, findPair, forEachPair, forEachPairCopied, rebuildPacked } from './packed-pairs.js';

/** hash-max-listpack-entries and hash-max-listpack-value, read by the command at each write. */
export interface HashLimits {
  readonly maxListpackEntries: number;
  readonly maxListpackValueBytes: number;
}

/** V8 object header and two fields; a string's header (docs/memory-accounting.md). */
const OBJECT_BYTES = 40;
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
 * A hash value. Small hashes are one packed string in insertion order (OBJECT ENCODING
 * listpack); past hash-max-listpack-entries pairs, or with a field or value longer than
 * hash-max-listpack-value, they become a hashtable for good, as in Redis: packed still while
 * small (PACKED_TABLE_*), then a MemberTable.
 * Two fields only: this object exists once per hash key, and 100k small hashes are common.
 */
export class HashValue implements ContainerValue {
  /** The packed pairs, or the MemberTable. */
  #data: string | MemberTable = '';
  /**
   * For packed pairs: their count × 2, plus 1 once Redis would hold the hash as a hashtable
   * (one small integer instead of two fields: see the class comment).
   */
  #packedState = 0;

  /**
   * A listpack-encoded hash from packed pairs (packed-pairs.ts's format) with distinct fields,
   * `pairCount` within hash-max-listpack-entries (an RDB listpack decoded straight into it).
   */
  static fromPacked(packed: string, pairCount: number): HashValue {
    const hash = new HashValue();
    hash.#data = packed;
    hash.#packedState = pairCount * 2;
    return hash;
  }

  /**
   * The packed pairs when listpack-encoded (packed-pairs.ts's format, `size` pairs), else
   * undefined: the RDB encoder reads them in place instead of one string per field and value.
   */
  get packedListpack(): string | undefined {
    return typeof this.#data === 'string' && !this.#packedTable ? this.#data : undefined;
  }

  /** On the prototype, not in each object. */
  get type(): 'hash' {
    return 'hash';
  }

  get #packedCount(): number {
    return this.#packedState >> 1;
  }

  /** Packed, but a hashtable for Redis. */
  get #packedTable(): boolean {
    return (this.#packedState & 1) === 1;
  }

  get size(): number {
    return typeof this.#data === 'string' ? this.#packedCount : this.#data.size;
  }

  encoding(): string {
    return typeof this.#data === 'string' && !this.#packedTable ? 'listpack' : 'hashtable';
  }

  get(field: string): string | undefined {
    const data = this.#data;
    if (typeof data !== 'string') {
      const slot = data.slotOf(field);
      return slot === undefined ? undefined : data.values[slot];
    }
    const at = findPair(data, this.#packedCount, field);
    return at === undefined ? undefined : data.slice(at.valueStart, at.valueEnd);
  }

  has(field: string): boolean {
    const data = this.#data;
    if (typeof data !== 'string') return data.has(field);
    return findPair(data, this.#packedCount, field) !== undefined;
  }

  /** Converts to a MemberTable now. */
  convertToTable(): void {
    const data = this.#data;
    if (typeof data !== 'string') return;
    const table = new MemberTable();
    forEachPairCopied(data, this.#packedCount, (field, value) => table.add(field, value));
    this.#data = table;
    this.#packedState = 0;
  }

  /**
   * Redis's hashTypeTryConversion (and hashTypeSet's check): a text longer than
   * hash-max-listpack-value makes a listpack a hashtable; a text too long for a packed
   * hashtable makes it a MemberTable.
   */
  convertIfTooLong(texts: readonly string[], from: number, to: number, limits: HashLimits): void {
    for (let i = from; i < to && typeof this.#data === 'string'; i++) this.#admit((texts[i] as string).length, limits);
  }

  #admit(textBytes: number, limits: HashLimits): void {
    if (!this.#packedTable && textBytes > limits.maxListpackValueBytes) {
      if (this.#packedCount >= PACKED_TABLE_MAX_ENTRIES) {
        this.convertToTable();
        return;
      }
      this.#packedState |= 1;
    }
    if (this.#packedTable && textBytes > PACKED_TABLE_MAX_TEXT_BYTES) this.convertToTable();
  }

  /** After an insertion: the listpack's entry limit (Redis), or the packed table's bounds. */
  #checkPackedSize(limits: HashLimits): void {
    const data = this.#data;
    if (typeof data !== 'string') return;
    const tooBig = this.#packedTable
      ? this.#packedCount > PACKED_TABLE_MAX_ENTRIES || data.length > PACKED_TABLE_MAX_BYTES
      : this.#packedCount > limits.maxListpackEntries;
    if (tooBig) this.convertToTable();
  }

  /** Sets a field; true when it is new. Converts like Redis's hashTypeSet. */
  set(field: string, value: string, limits: HashLimits): boolean {
    if (typeof this.#data === 'string') {
      this.#admit(field.length, limits);
      if (typeof this.#data === 'string') this.#admit(value.length, limits);
    }
    const data = this.#data;
    if (typeof data !== 'string') return data.add(field, value);
    const at = findPair(data, this.#packedCount, field);
    if (at !== undefined) {
      this.#data = rebuildPacked(data, at.pairStart, at.valueEnd, field, value);
      this.#checkPackedSize(limits);
      return false;
    }
    this.#data = rebuildPacked(data, data.length, data.length, field, value);
    this.#packedState += 2;
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
    let data = this.#data;
    if (typeof data !== 'string') {
      let created = 0;
      for (let i = from; i < texts.length; i += 2) if (data.add(texts[i] as string, texts[i + 1] as string)) created++;
      return created;
    }
    if (texts.length - from === 2) return this.set(texts[from] as string, texts[from + 1] as string, limits) ? 1 : 0;
    // New fields are gathered (with their latest value) and appended in one rebuild.
    const added = new Map<string, string>();
    for (let i = from; i < texts.length; i += 2) {
      const field = texts[i] as string;
      const value = texts[i + 1] as string;
      if (added.has(field)) {
        added.set(field, value);
        continue;
      }
      const at = findPair(data, this.#packedCount, field);
      if (at !== undefined) data = rebuildPacked(data, at.pairStart, at.valueEnd, field, value);
      else added.set(field, value);
    }
    this.#data = added.size === 0 ? data : appendPacked(data, added);
    this.#packedState += 2 * added.size;
    this.#checkPackedSize(limits);
    return added.size;
  }

  /** Removes a field; true when it was there. */
  delete(field: string): boolean {
    const data = this.#data;
    if (typeof data !== 'string') return data.delete(field);
    const at = findPair(data, this.#packedCount, field);
    if (at === undefined) return false;
    this.#data = rebuildPacked(data, at.pairStart, at.valueEnd);
    this.#packedState -= 2;
    return true;
  }

  /** Every pair, in insertion order for a listpack. */
  forEach(visit: (field: string, value: string) => void): void {
    const data = this.#data;
    if (typeof data === 'string') {
      forEachPair(data, this.#packedCount, visit);
      return;
    }
    const { members, values } = data;
    for (let i = 0; i < members.length; i++) visit(members[i] as string, values[i] as string);
  }

  /** Fields and values as parallel arrays (random picks, whole replies). Do not modify. */
  toArrays(): { fields: readonly string[]; values: readonly string[] } {
    const data = this.#data;
    if (typeof data !== 'string') return { fields: data.members, values: data.values };
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
    return typeof this.#data === 'string' ? undefined : this.#data;
  }

  clone(): HashValue {
    const copy = new HashValue();
    const data = this.#data;
    if (typeof data === 'string') {
      copy.#data = data;
      copy.#packedState = this.#packedState;
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
    // Sampled like Redis's MEMORY USAGE (objectComputeSize): the first entries' sizes, times
    // the count. A full walk made the memory gauge's sampling (every 100 ms) O(fields).
    const count = Math.min(data.members.length, MEMORY_SAMPLE_FIELDS);
    let sampled = 0;
    for (let i = 0; i < count; i++) {
      sampled += TABLE_ENTRY_BYTES + stringBytes((data.members[i] as string).length) + stringBytes((data.values[i] as string).length);
    }
    return OBJECT_BYTES * 2 + data.indexBytes + (count === 0 ? 0 : Math.round((sampled / count) * data.members.length));
  }
}
