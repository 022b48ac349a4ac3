import { LISTPACK_EMPTY_BYTES, listpackIntBytes, listpackStringBytes } from './listpack-size.js';
import type { U64 } from './stream-id.js';

/**
 * One node of a stream, like one listpack of Redis's rax: up to stream-node-max-entries entries
 * (live or deleted) in id order. The first entry's id is the node's key ("master id") even after
 * it is deleted. Deleted entries keep their slot (fields null), as Redis only flags them.
 */
export class StreamNode {
  /**
   * Ids, compact: ms as an offset from the master id's ms and seq, both in 32 bits (8 bytes an
   * entry, the usual case); a node whose ids do not fit moves to plain arrays ("wide").
   */
  /** Pairs (ms offset, seq) per slot, interleaved: one typed array per node. */
  #ids32: Uint32Array;
  #wideMs: U64[] | null = null;
  #wideSeq: U64[] | null = null;
  #slots = 0;
  #masterMs: U64 = 0;
  #masterSeq: U64 = 0;
  /**
   * Per entry: its field/value pairs (flat), or just the value when it has the master entry's
   * single field (the common case, without an array per entry), or null once deleted.
   */
  #data: Array<string | string[] | null> = [];
  /**
   * What deleted entries held, by slot: Redis only flags an entry deleted and keeps its bytes in
   * the listpack until the node goes, so DUMP and RDB files carry them (byte-equal payloads).
   */
  #deletedData: Map<number, string | string[]> | null = null;
  live = 0;
  deleted = 0;
  /** The master entry's field names (those of the first entry). */
  readonly masterFields: string[];
  #masterFieldBytes = 0;
  /** Bytes of all entries as Redis encodes them (Redis only flags deletions: sizes stay). */
  #entryBytes = 0;

  /**
   * The first entry's fields are items[from...] (field, value, ...). `expectedSlots`: room to
   * reserve (stream-node-max-entries), so a node fills without regrowing.
   */
  constructor(items: readonly string[], from = 0, expectedSlots = INITIAL_CAPACITY) {
    this.#ids32 = new Uint32Array(Math.min(Math.max(expectedSlots, 1), MAX_RESERVED_SLOTS) * 2);
    const names: string[] = [];
    for (let i = from; i < items.length; i += 2) {
      const name = items[i] as string;
      names.push(name);
      this.#masterFieldBytes += listpackStringBytes(name);
    }
    this.masterFields = names;
  }

  get masterMs(): U64 {
    return this.#masterMs;
  }

  get masterSeq(): U64 {
    return this.#masterSeq;
  }

  get slots(): number {
    return this.#slots;
  }

  msAt(slot: number): U64 {
    const wide = this.#wideMs;
    if (wide !== null) return wide[slot] as U64;
    return (this.#masterMs as number) + (this.#ids32[slot * 2] as number);
  }

  seqAt(slot: number): U64 {
    const wide = this.#wideSeq;
    if (wide !== null) return wide[slot] as U64;
    return this.#ids32[slot * 2 + 1] as number;
  }

  #pushId(ms: U64, seq: U64): void {
    const slot = this.#slots;
    if (slot === 0) {
      this.#masterMs = ms;
      this.#masterSeq = seq;
    }
    if (this.#wideMs === null) {
      const offset = typeof ms === 'number' && typeof this.#masterMs === 'number' ? ms - this.#masterMs : -1;
      if (offset >= 0 && offset <= 0xffffffff && typeof seq === 'number' && seq <= 0xffffffff) {
        if (slot * 2 === this.#ids32.length) this.#resize(Math.max(slot * 2, 1));
        this.#ids32[slot * 2] = offset;
        this.#ids32[slot * 2 + 1] = seq;
        this.#slots++;
        return;
      }
      this.#widen();
    }
    (this.#wideMs as U64[]).push(ms);
    (this.#wideSeq as U64[]).push(seq);
    this.#slots++;
  }

  /** New capacity in slots. */
  #resize(capacity: number): void {
    const ids = new Uint32Array(capacity * 2);
    ids.set(this.#ids32.subarray(0, Math.min(capacity, this.#slots) * 2));
    this.#ids32 = ids;
  }

  #widen(): void {
    const ms: U64[] = [];
    const seq: U64[] = [];
    for (let slot = 0; slot < this.#slots; slot++) {
      ms.push(this.msAt(slot));
      seq.push(this.seqAt(slot));
    }
    this.#wideMs = ms;
    this.#wideSeq = seq;
    this.#ids32 = EMPTY;
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

  /** Appends an entry whose fields are items[from...] (field, value, ...; XADD's argv). */
  append(ms: U64, seq: U64, items: readonly string[], from = 0): void {
    const sameFields = this.#hasMasterFields(items, from);
    const numFields = (items.length - from) / 2;
    let bytes = 2; // flags
    if (this.#slots === 0) bytes += 4;
    else bytes += listpackIntBytes(delta(ms, this.masterMs)) + listpackIntBytes(delta(seq, this.masterSeq));
    let lpCount = numFields + 3;
    if (sameFields) {
      for (let i = from + 1; i < items.length; i += 2) bytes += listpackStringBytes(items[i] as string);
    } else {
      bytes += listpackIntBytes(numFields);
      for (let i = from; i < items.length; i++) bytes += listpackStringBytes(items[i] as string);
      lpCount += numFields + 1;
    }
    bytes += listpackIntBytes(lpCount);
    this.#entryBytes += bytes;
    this.#pushId(ms, seq);
    this.#data.push(sameFields && numFields === 1 ? shared(items[from + 1] as string) : items.slice(from));
    this.live++;
  }

  isLive(slot: number): boolean {
    return this.#data[slot] !== null;
  }

  /** The entry's field/value pairs, or null when deleted. */
  fieldsAt(slot: number): string[] | null {
    const data = this.#data[slot];
    if (data === null || data === undefined) return null;
    return typeof data === 'string' ? [this.masterFields[0] as string, data] : data;
  }

  /** The fields a deleted entry had (for the RDB encoding), or null when it is live. */
  deletedFieldsAt(slot: number): string[] | null {
    const data = this.#deletedData?.get(slot);
    if (data === undefined) return null;
    return typeof data === 'string' ? [this.masterFields[0] as string, data] : data;
  }

  /** Drops the arrays' spare capacity once the node is full (V8 grows arrays by half). */
  compact(): void {
    if (this.#wideMs === null && this.#ids32.length > this.#slots * 2) this.#resize(this.#slots);
    this.#data = this.#data.slice();
  }

  #hasMasterFields(items: readonly string[], from: number): boolean {
    const names = this.masterFields;
    if (items.length - from !== names.length * 2) return false;
    for (let i = 0; i < names.length; i++) if (items[from + i * 2] !== names[i]) return false;
    return true;
  }

  /** Flags the entry at `index` deleted. */
  deleteAt(index: number): void {
    const data = this.#data[index];
    if (data !== null && data !== undefined) (this.#deletedData ??= new Map()).set(index, data);
    this.#data[index] = null;
    this.live--;
    this.deleted++;
  }

  /** Rough heap bytes (MEMORY USAGE). */
  memoryUsageBytes(): number {
    let bytes = 160 + this.#ids32.length * 4 + this.#data.length * 8 + (this.#wideMs === null ? 0 : this.#slots * 16);
    for (const data of this.#data) {
      if (data === null) continue;
      if (typeof data === 'string') bytes += data.length > 1 ? 16 + data.length : 0;
      else {
        bytes += 48 + data.length * 8;
        for (const text of data) bytes += text.length > 1 ? 16 + text.length : 0;
      }
    }
    return bytes;
  }
}

const INITIAL_CAPACITY = 8;
/** Larger nodes (a big stream-node-max-entries) grow as they fill. */
const MAX_RESERVED_SLOTS = 128;
const EMPTY = new Uint32Array(0);

/** One-byte strings come from V8's single-character table: one shared copy each. */
function shared(text: string): string {
  return text.length === 1 ? String.fromCharCode(text.charCodeAt(0)) : text;
}

/** The signed difference a - b of two u64 parts, as Redis stores it in the listpack (int64). */
function delta(a: U64, b: U64): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return BigInt.asIntN(64, BigInt(a) - BigInt(b));
}
