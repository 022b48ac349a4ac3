import { OpenIndex } from '../../open-index.js';

/**
 * member → score for the skiplist encoding, like Redis's dict beside its zskiplist: an index
 * (OpenIndex) from member to a slot, the members in a slot array and the scores in one growing
 * Float64Array, so a score change writes 8 bytes in place instead of allocating a boxed number.
 * Freed slots are reused.
 */
export class ScoreTable {
  readonly #index = new OpenIndex();
  /** Member per slot; undefined for a free slot. */
  readonly #members: Array<string | undefined> = [];
  #scores = new Float64Array(16);
  readonly #free: number[] = [];
  /** The last member looked up and its slot: get() then set() (ZINCRBY) probes once. */
  #lastMember: string | undefined;
  #lastSlot = -1;

  get size(): number {
    return this.#index.size;
  }

  get(member: string): number | undefined {
    const slot = this.#index.find(member, this.#index.hash(member), this.#members, 1);
    if (slot < 0) return undefined;
    this.#lastMember = member;
    this.#lastSlot = slot;
    return this.#scores[slot];
  }

  /** Adds a member known to be absent. */
  add(member: string, score: number): void {
    let slot = this.#free.pop();
    if (slot === undefined) {
      slot = this.#members.length;
      this.#members.push(undefined);
      if (slot === this.#scores.length) {
        const grown = new Float64Array(this.#scores.length * 2);
        grown.set(this.#scores);
        this.#scores = grown;
      }
    }
    this.#members[slot] = member;
    this.#scores[slot] = score;
    this.#index.insert(this.#index.hash(member), slot);
  }

  /** Changes the score of a present member. */
  set(member: string, score: number): void {
    const slot = member === this.#lastMember ? this.#lastSlot : this.#index.find(member, this.#index.hash(member), this.#members, 1);
    if (slot < 0) return;
    this.#scores[slot] = score;
  }

  delete(member: string): boolean {
    const slot = this.#index.find(member, this.#index.hash(member), this.#members, 1);
    if (slot < 0) return false;
    this.#index.removeFound();
    this.#members[slot] = undefined;
    this.#free.push(slot);
    if (member === this.#lastMember) {
      this.#lastMember = undefined;
      this.#lastSlot = -1;
    }
    return true;
  }

  /** Bytes beyond the member strings: the index, the slot array and the score array. */
  get arrayBytes(): number {
    return this.#scores.byteLength + this.#index.bytes + this.#members.length * 8;
  }
}
