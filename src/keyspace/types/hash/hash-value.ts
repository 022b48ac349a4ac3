import type { ContainerValue } from '../../stored-value.js';
import { MemberTable } from '../set/member-table.js';
import { findPair, forEachPair, packPair } from './packed-pairs.js';

/** hash-max-listpack-entries and hash-max-listpack-value, read by the command at each write. */
export interface HashLimits {
  readonly maxListpackEntries: number;
  readonly maxListpackValueBytes: number;
}

/** V8 object header plus a few fields, and a string's header (docs/memory-accounting.md). */
const OBJECT_BYTES = 48;
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
 */
export class HashValue implements ContainerValue {
  readonly type = 'hash';
  /** The listpack: pairs packed in one string; undefined once converted. */
  #packed: string | undefined = '';
  #packedCount = 0;
  #table: MemberTable | undefined;

  get size(): number {
    return this.#table === undefined ? this.#packedCount : this.#table.size;
  }

  encoding(): string {
    return this.#table === undefined ? 'listpack' : 'hashtable';
  }

  get isListpack(): boolean {
    return this.#table === undefined;
  }

  get(field: string): string | undefined {
    const table = this.#table;
    if (table !== undefined) {
      const slot = table.slotOf(field);
      return slot === undefined ? undefined : table.values[slot];
    }
    const packed = this.#packed as string;
    const at = findPair(packed, this.#packedCount, field);
    return at === undefined ? undefined : packed.slice(at.valueStart, at.valueEnd);
  }

  has(field: string): boolean {
    if (this.#table !== undefined) return this.#table.has(field);
    return findPair(this.#packed as string, this.#packedCount, field) !== undefined;
  }

  /** Converts to hashtable now (Redis's hashTypeTryConversion: a long argument). */
  convertToTable(): void {
    if (this.#table !== undefined) return;
    const table = new MemberTable();
    forEachPair(this.#packed as string, this.#packedCount, (field, value) => table.add(field, value));
    this.#table = table;
    this.#packed = undefined;
    this.#packedCount = 0;
  }

  /** Redis's hashTypeTryConversion: converts when any of these texts is too long for a listpack. */
  convertIfTooLong(texts: readonly string[], from: number, to: number, limits: HashLimits): void {
    if (this.#table !== undefined) return;
    for (let i = from; i < to; i++) {
      if ((texts[i] as string).length > limits.maxListpackValueBytes) {
        this.convertToTable();
        return;
      }
    }
  }

  /** Sets a field; true when it is new. Converts like Redis's hashTypeSet. */
  set(field: string, value: string, limits: HashLimits): boolean {
    if (this.#table === undefined && (field.length > limits.maxListpackValueBytes || value.length > limits.maxListpackValueBytes)) {
      this.convertToTable();
    }
    const table = this.#table;
    if (table !== undefined) return table.add(field, value);
    const packed = this.#packed as string;
    const at = findPair(packed, this.#packedCount, field);
    if (at !== undefined) {
      this.#packed = packed.slice(0, at.pairStart) + packPair(field, value) + packed.slice(at.valueEnd);
      return false;
    }
    this.#packed = packed + packPair(field, value);
    this.#packedCount++;
    if (this.#packedCount > limits.maxListpackEntries) this.convertToTable();
    return true;
  }

  /** Removes a field; true when it was there. */
  delete(field: string): boolean {
    if (this.#table !== undefined) return this.#table.delete(field);
    const packed = this.#packed as string;
    const at = findPair(packed, this.#packedCount, field);
    if (at === undefined) return false;
    this.#packed = packed.slice(0, at.pairStart) + packed.slice(at.valueEnd);
    this.#packedCount--;
    return true;
  }

  /** Every pair, in insertion order for a listpack. */
  forEach(visit: (field: string, value: string) => void): void {
    const table = this.#table;
    if (table === undefined) {
      forEachPair(this.#packed as string, this.#packedCount, visit);
      return;
    }
    const { members, values } = table;
    for (let i = 0; i < members.length; i++) visit(members[i] as string, values[i] as string);
  }

  /** Fields and values as parallel arrays (random picks, whole replies). */
  toArrays(): { fields: string[]; values: string[] } {
    const table = this.#table;
    if (table !== undefined) return { fields: table.members, values: table.values };
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
    return this.#table;
  }

  clone(): HashValue {
    const copy = new HashValue();
    if (this.#table === undefined) {
      copy.#packed = this.#packed;
      copy.#packedCount = this.#packedCount;
    } else {
      const table = new MemberTable();
      this.forEach((field, value) => table.add(field, value));
      copy.#table = table;
      copy.#packed = undefined;
    }
    return copy;
  }

  memoryUsageBytes(): number {
    if (this.#table === undefined) return OBJECT_BYTES + stringBytes((this.#packed as string).length);
    let bytes = OBJECT_BYTES * 2;
    this.forEach((field, value) => {
      bytes += TABLE_ENTRY_BYTES + stringBytes(field.length) + stringBytes(value.length);
    });
    return bytes;
  }
}
