/**
 * member → score for the skiplist encoding, like Redis's dict beside its zskiplist. The Map
 * holds a slot number (a small integer, stored unboxed) and the scores live in one growing
 * Float64Array: a score change writes 8 bytes in place instead of allocating a boxed number
 * and re-inserting into the Map. Freed slots are reused.
 */
export class ScoreTable {
  readonly #slots = new Map<string, number>();
  #scores = new Float64Array(16);
  readonly #free: number[] = [];
  #next = 0;
  /** The last member looked up and its slot: get() then set() (ZINCRBY) probes the Map once. */
  #lastMember: string | undefined;
  #lastSlot = -1;

  get size(): number {
    return this.#slots.size;
  }

  get(member: string): number | undefined {
    const slot = this.#slots.get(member);
    if (slot === undefined) return undefined;
    this.#lastMember = member;
    this.#lastSlot = slot;
    return this.#scores[slot];
  }

  /** Adds a member known to be absent. */
  add(member: string, score: number): void {
    let slot = this.#free.pop();
    if (slot === undefined) {
      slot = this.#next++;
      if (slot === this.#scores.length) {
        const grown = new Float64Array(this.#scores.length * 2);
        grown.set(this.#scores);
        this.#scores = grown;
      }
    }
    this.#scores[slot] = score;
    this.#slots.set(member, slot);
  }

  /** Changes the score of a present member. */
  set(member: string, score: number): void {
    const slot = member === this.#lastMember ? this.#lastSlot : this.#slots.get(member);
    if (slot === undefined) return;
    this.#scores[slot] = score;
  }

  delete(member: string): boolean {
    const slot = this.#slots.get(member);
    if (slot === undefined) return false;
    this.#slots.delete(member);
    this.#free.push(slot);
    if (member === this.#lastMember) {
      this.#lastMember = undefined;
      this.#lastSlot = -1;
    }
    return true;
  }

  /** Bytes beyond the Map entries: the score array. */
  get arrayBytes(): number {
    return this.#scores.byteLength;
  }
}
