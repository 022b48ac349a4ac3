/**
 * Splits a cluster bus TCP byte stream into whole frames, like Redis's clusterReadHandler: read
 * 8 bytes, check the "RCmb" signature and that totlen covers at least the fixed header, then
 * wait for totlen bytes. A bad signature or length means the stream is out of sync or not a
 * cluster bus at all: the link must be closed (Redis calls handleLinkIOError). Pure: no I/O.
 */
import { HEADER, HEADER_BYTES, SIGNATURE } from './constants.js';

/** Redis has no upper bound; ours covers a PUBLISH of a 512 MB channel and message pair. */
export const FRAME_BYTES_MAX_DEFAULT = 1024 * 1024 * 1024 + 64 * 1024;
/** sig + totlen: enough to know how long the frame is. */
const LENGTH_PREFIX_BYTES = 8;

export type FrameErrorCode = 'bad-signature' | 'frame-too-short' | 'frame-too-long';

/** The stream cannot be trusted any more: close the link. */
export interface FrameError {
  readonly code: FrameErrorCode;
  readonly detail: string;
}

export type FrameReadResult =
  | { readonly kind: 'frame'; readonly frame: Buffer }
  | { readonly kind: 'need-more' }
  | { readonly kind: 'error'; readonly error: FrameError };

export interface FrameReaderOptions {
  /** Largest totlen accepted, in bytes. Default FRAME_BYTES_MAX_DEFAULT. */
  readonly frameBytesMax?: number;
}

export class FrameReader {
  readonly #frameBytesMax: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #error: FrameError | null = null;

  constructor(options: FrameReaderOptions = {}) {
    this.#frameBytesMax = options.frameBytesMax ?? FRAME_BYTES_MAX_DEFAULT;
  }

  /** Bytes received but not yet returned as a frame. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0 || this.#error !== null) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
  }

  /**
   * The next whole frame, 'need-more', or the error that ended the stream (returned again on
   * every later call). A frame inside one pushed chunk is a view of it, not a copy.
   */
  next(): FrameReadResult {
    if (this.#error !== null) return { kind: 'error', error: this.#error };
    if (this.#buffered < LENGTH_PREFIX_BYTES) return { kind: 'need-more' };
    const prefix = this.#peek(LENGTH_PREFIX_BYTES);
    if (prefix.toString('latin1', 0, 4) !== SIGNATURE) {
      return this.#fail('bad-signature', 'bad signature on the cluster bus: expected "RCmb"');
    }
    const totlen = prefix.readUInt32BE(HEADER.totlen.offset);
    if (totlen < HEADER_BYTES) return this.#fail('frame-too-short', `totlen ${totlen} is below the ${HEADER_BYTES}-byte header`);
    if (totlen > this.#frameBytesMax) return this.#fail('frame-too-long', `totlen ${totlen} is above the ${this.#frameBytesMax}-byte limit`);
    if (this.#buffered < totlen) return { kind: 'need-more' };
    return { kind: 'frame', frame: this.#take(totlen) };
  }

  #fail(code: FrameErrorCode, detail: string): FrameReadResult {
    this.#error = { code, detail };
    this.#chunks = [];
    this.#buffered = 0;
    return { kind: 'error', error: this.#error };
  }

  /** The first `bytes` buffered bytes, without consuming them. */
  #peek(bytes: number): Buffer {
    const first = this.#chunks[0]!;
    if (first.length >= bytes) return first;
    return Buffer.concat(this.#chunks, bytes);
  }

  #take(bytes: number): Buffer {
    const first = this.#chunks[0]!;
    const frame = first.length >= bytes ? first.subarray(0, bytes) : Buffer.concat(this.#chunks, bytes);
    this.#consume(bytes);
    return frame;
  }

  #consume(bytes: number): void {
    this.#buffered -= bytes;
    let left = bytes;
    while (left > 0) {
      const first = this.#chunks[0]!;
      if (first.length <= left) {
        this.#chunks.shift();
        left -= first.length;
      } else {
        this.#chunks[0] = first.subarray(left);
        left = 0;
      }
    }
  }
}
