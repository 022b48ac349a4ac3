import type { Socket } from 'node:net';
import { loadNativeModule } from '../lib/native-module.js';
import type { ReplyWriter } from '../resp/reply-writer.js';
import type { ClientTransport, TransportReceiver } from './client-transport.js';
import { socketDescriptor } from './shared-read-buffer.js';

/**
 * Client sockets read in batches by the native module (native/socket-io.cc, docs/native-io.md):
 * libuv polls each client's descriptor, the module reads every ready one into one buffer, and
 * JavaScript is called once per event-loop iteration with all of them, as Redis reads every
 * ready client and then runs beforeSleep. Optional: without the module (or with
 * TESSERA_NATIVE_IO=off) sessions use Node's sockets (client-transport.ts).
 */

interface NativeIo {
  init(onBatch: (records: number) => void, buffer: Uint8Array, records: Int32Array): boolean;
  adopt(fd: number): number;
  fdOf(id: number): number;
  write(id: number, bytes: Uint8Array, start: number, count: number): number;
  pending(id: number): number;
  end(id: number): void;
  close(id: number): void;
  connections(): number;
}

/** The batch buffer: 16 reads of libuv's 64 KB; a fuller batch is handed over early. */
const BATCH_BUFFER_BYTES = 1 << 20;
/** Reads per batch at most (records of three ints: id, bytes or -errno, offset). */
const BATCH_RECORDS = 4096;

export class NativeClientIo {
  readonly #native: NativeIo;
  readonly #buffer = Buffer.allocUnsafeSlow(BATCH_BUFFER_BYTES);
  readonly #records = new Int32Array(BATCH_RECORDS * 3);
  readonly #receivers = new Map<number, TransportReceiver>();
  #inBatch = false;
  #batchCount = 0;
  #atBatchEnd: Array<() => void> = [];

  private constructor(native: NativeIo) {
    this.#native = native;
  }

  static create(native: NativeIo | undefined): NativeClientIo | undefined {
    if (native === undefined) return undefined;
    const io = new NativeClientIo(native);
    return native.init((count) => io.#onBatch(count), io.#buffer, io.#records) ? io : undefined;
  }

  /**
   * Runs `work` when the batch being handled ends (Redis's beforeSleep: after every ready client
   * was read). Returns false outside a batch: the caller schedules it itself.
   */
  runAtBatchEnd(work: () => void): boolean {
    if (!this.#inBatch) return false;
    this.#atBatchEnd.push(work);
    return true;
  }

  /**
   * A number for the batch being handled (0 outside one): a node reads its clocks once per batch
   * (Server.beginBatch), as every read in it happened before the batch began.
   */
  get currentBatch(): number {
    return this.#inBatch ? this.#batchCount : 0;
  }

  /** Connections open in the native module (tests). */
  get connections(): number {
    return this.#native.connections();
  }

  /** Polls a duplicate of the socket's descriptor and destroys the socket; undefined if it cannot. */
  adopt(socket: Socket, receiver: TransportReceiver): ClientTransport | undefined {
    const fd = socketDescriptor(socket);
    if (fd < 0) return undefined;
    const id = this.#native.adopt(fd);
    if (id < 0) return undefined;
    this.#receivers.set(id, receiver);
    socket.destroy();
    return new NativeTransport(this, this.#native, id);
  }

  forget(id: number): void {
    this.#receivers.delete(id);
  }

  #onBatch(count: number): void {
    const records = this.#records;
    const buffer = this.#buffer;
    this.#inBatch = true;
    this.#batchCount++;
    try {
      for (let index = 0; index < count * 3; index += 3) {
        const receiver = this.#receivers.get(records[index] as number);
        if (receiver === undefined) continue;
        const bytes = records[index + 1] as number;
        if (bytes > 0) {
          const offset = records[index + 2] as number;
          receiver.receive(buffer.subarray(offset, offset + bytes), true);
        } else {
          receiver.close();
        }
      }
    } finally {
      // Outside the batch from here: what this work schedules in turn goes through setImmediate.
      this.#inBatch = false;
      const work = this.#atBatchEnd;
      this.#atBatchEnd = [];
      for (const item of work) item();
    }
  }
}

class NativeTransport implements ClientTransport {
  readonly #io: NativeClientIo;
  readonly #native: NativeIo;
  readonly #id: number;
  /** The last write left bytes pending in the module: ask it how many remain. */
  #mayHavePending = false;

  constructor(io: NativeClientIo, native: NativeIo, id: number) {
    this.#io = io;
    this.#native = native;
    this.#id = id;
  }

  get fd(): number {
    return this.#native.fdOf(this.#id);
  }

  write(writer: ReplyWriter): boolean {
    const pending = this.#native.write(this.#id, writer.pendingBuffer, writer.pendingStart, writer.pendingBytes);
    if (pending < 0) return false;
    // What the kernel did not take was copied: the writer's buffer is free again.
    writer.consume(writer.pendingBytes);
    if (pending > 0) this.#mayHavePending = true;
    return true;
  }

  get pendingBytes(): number {
    if (!this.#mayHavePending) return 0;
    const pending = this.#native.pending(this.#id);
    if (pending === 0) this.#mayHavePending = false;
    return pending;
  }

  end(): void {
    this.#io.forget(this.#id);
    this.#native.end(this.#id);
  }

  destroy(): void {
    this.#io.forget(this.#id);
    this.#native.close(this.#id);
  }
}

/** The process's native client I/O, or undefined when sessions use Node's sockets. */
export const nativeClientIo: NativeClientIo | undefined = NativeClientIo.create(loadNativeModule<NativeIo>('tessera_io.node', 'TESSERA_NATIVE_IO'));
