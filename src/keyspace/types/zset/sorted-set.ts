import type { ContainerValue } from '../../stored-value.js';
import { OrderTree, type OrderPredicate } from './order-tree.js';
import { ScoreTable } from './score-table.js';

/** Redis's zset encoding thresholds as read from the config for one command. */
export interface ZsetLimits {
  /** zset-max-listpack-entries */
  readonly maxListpackEntries: number;
  /** zset-max-listpack-value (bytes of one member) */
  readonly maxListpackValueBytes: number;
}

/** Members whose sizes MEMORY USAGE looks at before extrapolating. */
const MEMORY_SAMPLE_MEMBERS = 64;
/** Scan cursors kept per set (ZSCAN over a large set); the oldest is forgotten first. */
const MAX_SCAN_CURSORS = 64;

/**
 * A sorted set. Members live in an order-statistic tree; while the set is small (Redis's
 * listpack encoding) that tree is one leaf and member lookups scan it, like Redis scans its
 * listpack. Past the thresholds it converts, one way, to the "skiplist" encoding: a Map
 * member → score beside the tree, like Redis's dict beside its zskiplist.
 */
export class SortedSet implements ContainerValue {
  readonly type = 'zset' as const;
  readonly tree = new OrderTree();
  #scores: ScoreTable | null = null;
  #scanCursors: Map<number, [number, string]> | null = null;
  #nextCursor = 1;

  /** A set with the encoding Redis's zsetTypeCreate picks for the expected size. */
  static create(sizeHint: number, maxMemberBytes: number, limits: ZsetLimits): SortedSet {
    const zset = new SortedSet();
    if (sizeHint > limits.maxListpackEntries || maxMemberBytes > limits.maxListpackValueBytes) zset.convertToSkiplist();
    return zset;
  }

  get size(): number {
    return this.tree.size;
  }

  get isListpack(): boolean {
    return this.#scores === null;
  }

  encoding(): string {
    return this.#scores === null ? 'listpack' : 'skiplist';
  }

  convertToSkiplist(): void {
    if (this.#scores !== null) return;
    const scores = new ScoreTable();
    for (const [member, score] of this.tree.entries()) scores.add(member, score);
    this.#scores = scores;
  }

  score(member: string): number | undefined {
    if (this.#scores !== null) return this.#scores.get(member);
    for (let leaf = this.tree.firstLeaf as typeof this.tree.firstLeaf | null; leaf !== null; leaf = leaf.next) {
      const i = leaf.members.indexOf(member);
      if (i !== -1) return leaf.scores[i];
    }
    return undefined;
  }

  has(member: string): boolean {
    return this.score(member) !== undefined;
  }

  /**
   * Adds a member or moves it to a new score (the caller checked NX/XX/GT/LT). Converts to
   * skiplist first when the new member would pass the listpack limits, as zsetAdd does.
   */
  set(member: string, score: number, limits: ZsetLimits): void {
    const old = this.score(member);
    if (old === undefined) this.insertNew(member, score, limits);
    else this.update(member, old, score);
  }

  /** Adds a member known to be absent. */
  insertNew(member: string, score: number, limits: ZsetLimits): void {
    if (this.#scores === null) {
      if (this.tree.size + 1 > limits.maxListpackEntries || member.length > limits.maxListpackValueBytes) this.convertToSkiplist();
      // A listpack keeps scores as text, and "-0" reads back as the integer 0.
      else if (score === 0) score = 0;
    }
    this.tree.insert(score, member);
    this.#scores?.add(member, score);
  }

  /** Moves a present member from `old` (its current score) to `score`. */
  update(member: string, old: number, score: number): void {
    if (this.#scores === null && score === 0) score = 0;
    if (old === score) return; // Redis compares with !=, so -0 and 0 are the same score
    this.tree.update(old, member, score);
    this.#scores?.set(member, score);
  }

  remove(member: string): boolean {
    const score = this.score(member);
    if (score === undefined) return false;
    this.tree.remove(score, member);
    this.#scores?.delete(member);
    return true;
  }

  /** 0-based rank from the lowest score, or -1. */
  rank(member: string): number {
    const score = this.score(member);
    return score === undefined ? -1 : this.tree.rankOf(score, member);
  }

  /** Elements before the first one where pred holds (pred monotone in zset order). */
  countBefore(pred: OrderPredicate): number {
    return this.tree.countBefore(pred);
  }

  /** `count` elements from `rank` (reverse walks down); fn returns false to stop. */
  walk(rank: number, count: number, reverse: boolean, fn: (member: string, score: number) => boolean | void): void {
    this.tree.walk(rank, count, reverse, fn);
  }

  /** The element at a rank. */
  at(rank: number): [string, number] {
    const cursor = this.tree.cursorAt(rank);
    return [cursor.leaf.members[cursor.index] as string, cursor.leaf.scores[cursor.index] as number];
  }

  /** Every member with its score, in order. */
  entries(): IterableIterator<[string, number]> {
    return this.tree.entries();
  }

  /** The longest member in bytes (zsetConvertToListpackIfNeeded's maxelelen). */
  maxMemberBytes(): number {
    let max = 0;
    for (const [member] of this.tree.entries()) if (member.length > max) max = member.length;
    return max;
  }

  /**
   * One ZSCAN step over a large set: a cursor names the last element returned, so every member
   * present with the same score for the whole scan is returned. Cursor 0 starts; the reply's
   * 0 ends.
   */
  scanStep(cursor: number, count: number, fn: (member: string, score: number) => void): number {
    let rank = 0;
    if (cursor !== 0) {
      const last = this.#scanCursors?.get(cursor);
      this.#scanCursors?.delete(cursor);
      if (last !== undefined) {
        const [s, m] = last;
        rank = this.tree.countBefore((score, member) => score > s || (score === s && member > m));
      }
    }
    let lastSeen: [number, string] | null = null;
    let returned = 0;
    this.tree.walk(rank, count, false, (member, score) => {
      fn(member, score);
      lastSeen = [score, member];
      returned++;
    });
    if (lastSeen === null || rank + returned >= this.tree.size) return 0;
    this.#scanCursors ??= new Map();
    if (this.#scanCursors.size >= MAX_SCAN_CURSORS) {
      const oldest = this.#scanCursors.keys().next();
      if (oldest.done !== true) this.#scanCursors.delete(oldest.value);
    }
    const id = this.#nextCursor++;
    this.#scanCursors.set(id, lastSeen);
    return id;
  }

  clone(): ContainerValue {
    const copy = new SortedSet();
    if (this.#scores !== null) copy.convertToSkiplist();
    for (const [member, score] of this.tree.entries()) {
      copy.tree.insert(score, member);
      copy.#scores?.add(member, score);
    }
    return copy;
  }

  memoryUsageBytes(): number {
    // Leaf slots (member pointer + unboxed score, with the leaves' spare room) and the member
    // strings, measured on the first members and extrapolated (MEMORY USAGE samples, like
    // Redis); the skiplist encoding adds a Map entry and a boxed score per member.
    const size = this.tree.size;
    let sampled = 0;
    let stringBytes = 0;
    for (const [member] of this.tree.entries()) {
      stringBytes += 16 + Math.ceil(member.length / 8) * 8;
      if (++sampled === MEMORY_SAMPLE_MEMBERS) break;
    }
    const perMember = (sampled === 0 ? 0 : stringBytes / sampled) + 24 + (this.#scores === null ? 0 : 40);
    return 96 + Math.round(perMember * size) + (this.#scores?.arrayBytes ?? 0);
  }
}
