import { LISTPACK_EMPTY_BYTES, listpackIntBytes, listpackStringBytes } from './listpack-size.js';
import type { U64 } from './stream-id.js';

/**
 * One node of a stream, like one listpack of Redis's rax: up to stream-node-max-entries entries
 * (live or deleted) in id order. The first entry's id is the node's key ("master id") even after
 * it is deleted. Deleted entries keep their slot (fields null), as Redis only flags them.
 */
export class StreamNode {
  readonly ms: U64[] = [];
  readonly seq: U64[] = [];
  /** Field/value pairs, flat, per entry; null once deleted. */
  readonly fields: Array<string[] | null> = [];
  live = 0;
  deleted = 0;
  /** The master entry's field names (those of the first entry). */
  readonly masterFields: string[];
  #masterFieldBytes = 0;
  /** Bytes of all entries as Redis encodes them (Redis only flags deletions: sizes stay). */
  #entryBytes = 0;

  constructor(firstFields: readonly string[]) {
    const names: string[] = [];
    for (let i = 0; i < firstFields.length; i += 2) {
      const name = firstFields[i] as string;
      names.push(name);
      this.#masterFieldBytes += listpackStringBytes(name);
    }
    this.masterFields = names;
  }

  get masterMs(): U64 {
    return this.ms[0] as U64;
  }

  get masterSeq(): U64 {
    return this.seq[0] as U64;
  }

  get slots(): number {
    return this.ms.length;
  }

  /** The listpack's size in bytes as Redis would have it. */
  get bytes(): number {
    return (
      LISTPACK_EMPTY_BYTES +
      listpackIntBytes(this.live) +
      listpackIntBytes(this.deleted) +
      listpackIntBytes(this.masterFields.length) +
      this.#masterFieldBytes +
      2 +
      this.#entryBytes
    );
  }

  append(ms: U64, seq: U64, fields: string[]): void {
    const sameFields = this.#hasMasterFields(fields);
    const numFields = fields.length / 2;
    let bytes = 2; // flags
    if (this.ms.length === 0) bytes += 4;
    else bytes += listpackIntBytes(delta(ms, this.masterMs)) + listpackIntBytes(delta(seq, this.masterSeq));
    let lpCount = numFields + 3;
    if (sameFields) {
      for (let i = 1; i < fields.length; i += 2) bytes += listpackStringBytes(fields[i] as string);
    } else {
      bytes += listpackIntBytes(numFields);
      for (let i = 0; i < fields.length; i++) bytes += listpackStringBytes(fields[i] as string);
      lpCount += numFields + 1;
    }
    bytes += listpackIntBytes(lpCount);
    this.#entryBytes += bytes;
    this.ms.push(ms);
    this.seq.push(seq);
    this.fields.push(fields);
    this.live++;
  }

  #hasMasterFields(fields: readonly string[]): boolean {
    const names = this.masterFields;
    if (fields.length !== names.length * 2) return false;
    for (let i = 0; i < names.length; i++) if (fields[i * 2] !== names[i]) return false;
    return true;
  }

  /** Flags the entry at `index` deleted. */
  deleteAt(index: number): void {
    this.fields[index] = null;
    this.live--;
    this.deleted++;
  }

  /** Rough heap bytes (MEMORY USAGE). */
  memoryUsageBytes(): number {
    let bytes = 64 + this.ms.length * 24;
    for (const f of this.fields) {
      if (f === null) continue;
      bytes += 16 + f.length * 8;
      for (const s of f) bytes += s.length > 1 ? 16 + s.length : 0;
    }
    return bytes;
  }
}

/** The signed difference a - b of two u64 parts, as Redis stores it in the listpack (int64). */
function delta(a: U64, b: U64): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return BigInt.asIntN(64, BigInt(a) - BigInt(b));
}
