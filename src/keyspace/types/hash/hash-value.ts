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
/** A Map entry (key, value, chain) with the table's spare room, plus two array cells. */
const TABLE_ENTRY_BYTES = 56;

function stringBytes(length: number): number {
  return STRING_HEADER_BYTES + Math.ceil(length / 8) * 8;
}

/**
 * A hash value. Small hashes are one packed string in insertion order (OBJECT ENCODING
 * listpack); past hash-max-listpack-entries pairs, or with a field or value longer than
 * hash-max-listpack-value, they become a MemberTable (hashtable) for good, as in Redis.
 * Two fields only: this object exists once per hash key, and 100k small hashes are common.
 */
export class HashValue implements ContainerValue {
  /** The listpack (pairs packed in one string), or the hashtable once converted. */
  #data: string | MemberTable = '';
  /** Pairs in the listpack (the table knows its own size). */
  #packedCount = 0;

  /** On the prototype, not in each object. */
  get type(): 'hash' {
    return 'hash';
  }

  get size(): number {
    return typeof this.#data === 'string' ? this.#packedCount : this.#data.size;
  }

  encoding(): string {
    return typeof this.#data === 'string' ? 'listpack' : 'hashtable';
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

  /** Converts to hashtable now (Redis's hashTypeTryConversion: a long argument). */
  convertToTable(): void {
    const data = this.#data;
    if (typeof data !== 'string') return;
    const table = new MemberTable();
    forEachPairCopied(data, this.#packedCount, (field, value) => table.add(field, value));
    this.#data = table;
    this.#packedCount = 0;
  }

  /** Redis's hashTypeTryConversion: converts when any of these texts is too long for a listpack. */
  convertIfTooLong(texts: readonly string[], from: number, to: number, limits: HashLimits): void {
    if (typeof this.#data !== 'string') return;
    for (let i = from; i < to; i++) {
      if ((texts[i] as string).length > limits.maxListpackValueBytes) {
        this.convertToTable();
        return;
      }
    }
  }

  /** Sets a field; true when it is new. Converts like Redis's hashTypeSet. */
  set(field: string, value: string, limits: HashLimits): boolean {
    if (typeof this.#data === 'string' && (field.length > limits.maxListpackValueBytes || value.length > limits.maxListpackValueBytes)) {
      this.convertToTable();
    }
    const data = this.#data;
    if (typeof data !== 'string') return data.add(field, value);
    const at = findPair(data, this.#packedCount, field);
    if (at !== undefined) {
      this.#data = rebuildPacked(data, at.pairStart, at.valueEnd, field, value);
      return false;
    }
    this.#data = rebuildPacked(data, data.length, data.length, field, value);
    this.#packedCount++;
    if (this.#packedCount > limits.maxListpackEntries) this.convertToTable();
    return true;
  }

  /**
   * HSET's pairs texts[from], texts[from+1], ... at once: same result as set() for each pair
   * in turn (later pairs win, conversion past the limits), but a listpack is rebuilt once for
   * all new fields instead of once per field. Returns how many fields were new.
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
    this.#packedCount += added.size;
    if (this.#packedCount > limits.maxListpackEntries) this.convertToTable();
    return added.size;
  }

  /** Removes a field; true when it was there. */
  delete(field: string): boolean {
    const data = this.#data;
    if (typeof data !== 'string') return data.delete(field);
    const at = findPair(data, this.#packedCount, field);
    if (at === undefined) return false;
    this.#data = rebuildPacked(data, at.pairStart, at.valueEnd);
    this.#packedCount--;
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

  /** The hashtable, or undefined for a listpack (HSCAN uses a cursor only on a hashtable). */
  get table(): MemberTable | undefined {
    return typeof this.#data === 'string' ? undefined : this.#data;
  }

  clone(): HashValue {
    const copy = new HashValue();
    const data = this.#data;
    if (typeof data === 'string') {
      copy.#data = data;
      copy.#packedCount = this.#packedCount;
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
    let bytes = OBJECT_BYTES * 2;
    this.forEach((field, value) => {
      bytes += TABLE_ENTRY_BYTES + stringBytes(field.length) + stringBytes(value.length);
    });
    return bytes;
  }
}
