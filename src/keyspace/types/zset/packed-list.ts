import type { OrderPredicate } from './order-tree.js';
import { lowerBound } from './lower-bound.js';

/**
 * The listpack encoding's storage: all (member, score) pairs of a small set packed in order
 * into one flat latin1 string, like Redis's listpack is one allocation. Each entry is the
 * member's length (one char below 255, else 255 and four chars), its bytes, then the score's
 * eight IEEE-754 bytes. A set of three short members costs one string (~60 bytes) instead of
 * a tree, a leaf and two arrays (~700 bytes). Every operation is O(n) with n bounded by
 * zset-max-listpack-entries (128 by default), as in Redis; the decoded arrays of the last
 * string seen are kept, so repeated reads of one hot set decode once.
 */

const SCORE_BYTES = 8;
const LONG_LENGTH = 255;
const scoreView = new Float64Array(1);
const scoreBytes = new Uint8Array(scoreView.buffer);

/** The last decoded packed text and its arrays (shared by all sets: one hot set at a time). */
let cachedText: string | null = null;
let cachedMembers: string[] = [];
let cachedScores: number[] = [];

function decode(text: string): [string[], number[]] {
  if (text === cachedText) return [cachedMembers, cachedScores];
  const members: string[] = [];
  const scores: number[] = [];
  let at = 0;
  while (at < text.length) {
    let length = text.charCodeAt(at++);
    if (length === LONG_LENGTH) {
      length = text.charCodeAt(at) * 0x1000000 + ((text.charCodeAt(at + 1) << 16) | (text.charCodeAt(at + 2) << 8) | text.charCodeAt(at + 3));
      at += 4;
    }
    members.push(text.slice(at, at + length));
    at += length;
    for (let i = 0; i < SCORE_BYTES; i++) scoreBytes[i] = text.charCodeAt(at + i);
    scores.push(scoreView[0] as number);
    at += SCORE_BYTES;
  }
  cachedText = text;
  cachedMembers = members;
  cachedScores = scores;
  return [members, scores];
}

function encodeEntry(member: string, score: number): string {
  const length = member.length;
  const prefix =
    length < LONG_LENGTH
      ? String.fromCharCode(length)
      : String.fromCharCode(LONG_LENGTH, (length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
  scoreView[0] = score;
  return prefix + member + String.fromCharCode(...scoreBytes);
}

function encode(members: readonly string[], scores: readonly number[]): string {
  const parts = new Array<string>(members.length);
  for (let i = 0; i < members.length; i++) parts[i] = encodeEntry(members[i] as string, scores[i] as number);
  // join builds one flat string (concatenation would leave a rope behind).
  const text = parts.join('');
  cachedText = text;
  cachedMembers = members as string[];
  cachedScores = scores as number[];
  return text;
}

export class PackedList {
  #text = '';
  #size = 0;

  /** A list of pairs already in (score, member) order, packed once (loading an RDB). */
  static fromSorted(members: string[], scores: number[]): PackedList {
    const list = new PackedList();
    if (members.length > 0) list.#store(members, scores);
    return list;
  }

  /**
   * A list from text already in this file's packed format, pairs in (score, member) order with
   * distinct members and no -0 score (an RDB listpack decoded straight into it: rdb/direct-pack.ts).
   */
  static fromPackedText(text: string, size: number): PackedList {
    const list = new PackedList();
    list.#text = text;
    list.#size = size;
    return list;
  }

  get size(): number {
    return this.#size;
  }

  /** The packed text (the RDB encoder reads it in place). */
  get text(): string {
    return this.#text;
  }

  /** The packed bytes (memory accounting). */
  get byteLength(): number {
    return this.#text.length;
  }

  scoreOf(member: string): number | undefined {
    if (this.#size === 0) return undefined;
    const [members, scores] = decode(this.#text);
    const i = members.indexOf(member);
    return i === -1 ? undefined : scores[i];
  }

  insert(score: number, member: string): void {
    const [members, scores] = this.#copy();
    const at = lowerBound(members, scores, score, member);
    members.splice(at, 0, member);
    scores.splice(at, 0, score);
    this.#store(members, scores);
  }

  remove(score: number, member: string): boolean {
    const at = this.rankOf(score, member);
    if (at === -1) return false;
    const [members, scores] = this.#copy();
    members.splice(at, 1);
    scores.splice(at, 1);
    this.#store(members, scores);
    return true;
  }

  update(oldScore: number, member: string, newScore: number): boolean {
    if (!this.remove(oldScore, member)) return false;
    this.insert(newScore, member);
    return true;
  }

  rankOf(score: number, member: string): number {
    if (this.#size === 0) return -1;
    const [members, scores] = decode(this.#text);
    const at = lowerBound(members, scores, score, member);
    return at < members.length && members[at] === member && scores[at] === score ? at : -1;
  }

  at(rank: number): [string, number] {
    const [members, scores] = decode(this.#text);
    return [members[rank] as string, scores[rank] as number];
  }

  countBefore(pred: OrderPredicate): number {
    if (this.#size === 0) return 0;
    const [members, scores] = decode(this.#text);
    let lo = 0;
    let hi = members.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pred(scores[mid] as number, members[mid] as string)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  walk(rank: number, count: number, reverse: boolean, fn: (member: string, score: number) => boolean | void): void {
    if (count <= 0 || rank < 0 || rank >= this.#size) return;
    // Arrays of this text: fn may touch other sets and replace the shared cache meanwhile.
    const [members, scores] = decode(this.#text);
    if (reverse) {
      for (let i = rank; i >= 0 && count > 0; i--, count--) if (fn(members[i] as string, scores[i] as number) === false) return;
    } else {
      for (let i = rank; i < members.length && count > 0; i++, count--) if (fn(members[i] as string, scores[i] as number) === false) return;
    }
  }

  *entries(): IterableIterator<[string, number]> {
    if (this.#size === 0) return;
    const [members, scores] = decode(this.#text);
    for (let i = 0; i < members.length; i++) yield [members[i] as string, scores[i] as number];
  }

  /** Fresh arrays to edit (the cached ones may be shared with a walk in progress). */
  #copy(): [string[], number[]] {
    if (this.#size === 0) return [[], []];
    const [members, scores] = decode(this.#text);
    return [members.slice(), scores.slice()];
  }

  #store(members: string[], scores: number[]): void {
    this.#text = encode(members, scores);
    this.#size = members.length;
  }
}
