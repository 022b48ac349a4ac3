/**
 * A string value that is modified in place (APPEND, SETRANGE, SETBIT, BITFIELD): a byte buffer
 * with spare capacity, like Redis's sds, so repeated appends and bit writes are O(1) amortized
 * instead of copying an immutable JS string each time. OBJECT ENCODING reports it as `raw`.
 */
export class RawString {
  bytes: Buffer;
  length: number;

  constructor(initial: string | Buffer, extraCapacityBytes = 0) {
    const len = typeof initial === 'string' ? initial.length : initial.length;
    this.bytes = Buffer.alloc(len + extraCapacityBytes);
    if (typeof initial === 'string') this.bytes.latin1Write(initial, 0);
    else initial.copy(this.bytes, 0);
    this.length = len;
  }

  /** Grows to at least `lengthBytes`, zero-filling new bytes (SETRANGE/SETBIT semantics). */
  ensureLength(lengthBytes: number): void {
    if (lengthBytes <= this.length) return;
    if (lengthBytes > this.bytes.length) {
      // Redis's sdsMakeRoomFor: double while under 1 MB, then grow by 1 MB.
      const capacity = lengthBytes < 1024 * 1024 ? lengthBytes * 2 : lengthBytes + 1024 * 1024;
      const grown = Buffer.alloc(capacity);
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    } else {
      this.bytes.fill(0, this.length, lengthBytes);
    }
    this.length = lengthBytes;
  }

  append(tail: string): void {
    const at = this.length;
    this.ensureLength(at + tail.length);
    this.bytes.latin1Write(tail, at);
  }

  toString(): string {
    return this.bytes.toString('latin1', 0, this.length);
  }
}
