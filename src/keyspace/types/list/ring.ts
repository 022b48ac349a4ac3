/**
 * A growable ring buffer: O(1) push and pop at both ends and O(1) indexed access; insert and
 * remove in the middle move the shorter side. Holds a list's chunks.
 */
export class Ring<T> {
  #slots: Array<T | undefined>;
  /** Index of the first element in #slots. */
  #start = 0;
  #length = 0;

  constructor(capacity = 4) {
    this.#slots = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.#length;
  }

  get(i: number): T {
    return this.#slots[(this.#start + i) & (this.#slots.length - 1)] as T;
  }

  first(): T | undefined {
    return this.#length === 0 ? undefined : this.get(0);
  }

  last(): T | undefined {
    return this.#length === 0 ? undefined : this.get(this.#length - 1);
  }

  pushBack(value: T): void {
    if (this.#length === this.#slots.length) this.#grow();
    this.#slots[(this.#start + this.#length) & (this.#slots.length - 1)] = value;
    this.#length++;
  }

  pushFront(value: T): void {
    if (this.#length === this.#slots.length) this.#grow();
    this.#start = (this.#start - 1) & (this.#slots.length - 1);
    this.#slots[this.#start] = value;
    this.#length++;
  }

  popFront(): T | undefined {
    if (this.#length === 0) return undefined;
    const value = this.#slots[this.#start];
    this.#slots[this.#start] = undefined;
    this.#start = (this.#start + 1) & (this.#slots.length - 1);
    this.#length--;
    return value;
  }

  popBack(): T | undefined {
    if (this.#length === 0) return undefined;
    const at = (this.#start + this.#length - 1) & (this.#slots.length - 1);
    const value = this.#slots[at];
    this.#slots[at] = undefined;
    this.#length--;
    return value;
  }

  /** Inserts so that the value ends up at index i (0 ≤ i ≤ length). */
  insertAt(i: number, value: T): void {
    if (this.#length === this.#slots.length) this.#grow();
    const mask = this.#slots.length - 1;
    this.#length++;
    for (let j = this.#length - 1; j > i; j--) {
      this.#slots[(this.#start + j) & mask] = this.#slots[(this.#start + j - 1) & mask];
    }
    this.#slots[(this.#start + i) & mask] = value;
  }

  removeAt(i: number): void {
    const mask = this.#slots.length - 1;
    if (i === 0) {
      this.popFront();
      return;
    }
    for (let j = i; j < this.#length - 1; j++) {
      this.#slots[(this.#start + j) & mask] = this.#slots[(this.#start + j + 1) & mask];
    }
    this.#slots[(this.#start + this.#length - 1) & mask] = undefined;
    this.#length--;
  }

  clear(): void {
    this.#slots = new Array<T | undefined>(4);
    this.#start = 0;
    this.#length = 0;
  }

  #grow(): void {
    const next = new Array<T | undefined>(this.#slots.length * 2);
    for (let i = 0; i < this.#length; i++) next[i] = this.get(i);
    this.#slots = next;
    this.#start = 0;
  }
}
