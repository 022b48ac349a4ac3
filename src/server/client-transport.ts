import { writeSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { ReplyWriter } from '../resp/reply-writer.js';
import { nativeClientIo } from './native-client-io.js';
import { readIntoSharedBuffer, socketDescriptor } from './shared-read-buffer.js';

/** What a transport calls on its session. */
export interface TransportReceiver {
  /** Bytes arrived. `borrowed`: they are a shared buffer's, valid only until this returns. */
  receive(bytes: Buffer, borrowed: boolean): void;
  /** The peer closed, or the connection failed. */
  close(): void;
}

/** How a session's bytes move: Node's socket, or the native batch reader (native-client-io.ts). */
export interface ClientTransport {
  /** The descriptor CLIENT LIST shows (-1 when unknown). */
  readonly fd: number;
  /** Sends the writer's pending replies (the writer is left empty); false when the connection failed. */
  write(writer: ReplyWriter): boolean;
  /** Reply bytes accepted but not yet taken by the kernel (output buffer limits). */
  readonly pendingBytes: number;
  /** Closes once the pending bytes are written. */
  end(): void;
  /** Closes now. */
  destroy(): void;
}

/**
 * Takes over an accepted socket (accepted paused) for `receiver`: the native reader when it is
 * loaded (the socket is then destroyed; a duplicate descriptor lives on), Node's socket otherwise.
 */
export function attachTransport(socket: Socket, receiver: TransportReceiver): ClientTransport {
  return nativeClientIo?.adopt(socket, receiver) ?? new SocketTransport(socket, receiver);
}

/**
 * Node's socket: reads into the shared read buffer (shared-read-buffer.ts), writes with one
 * write(2) on its descriptor when nothing is queued on the socket (Redis writes the same way,
 * and installs a write handler only for a remainder).
 */
class SocketTransport implements ClientTransport {
  readonly fd: number;
  readonly #socket: Socket;

  constructor(socket: Socket, receiver: TransportReceiver) {
    this.#socket = socket;
    this.fd = socketDescriptor(socket);
    // Accepted paused (pauseOnConnect): reads start once the reader is in place.
    if (!readIntoSharedBuffer(socket, (bytes) => receiver.receive(bytes, true))) socket.on('data', (chunk: Buffer) => receiver.receive(chunk, false));
    socket.resume();
    socket.on('error', () => receiver.close());
    socket.on('close', () => receiver.close());
  }

  write(writer: ReplyWriter): boolean {
    const fd = this.fd;
    const socket = this.#socket;
    if (fd >= 0 && socket.writableLength === 0) {
      let written = 0;
      try {
        written = writeSync(fd, writer.pendingBuffer, writer.pendingStart, writer.pendingBytes);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return false;
      }
      // Nothing was queued on the socket: bytes the kernel took are not referenced anywhere, so
      // the writer may reuse its buffer from the start instead of allocating a new one when full
      // (a 16 KB ArrayBuffer every ~15 replies of 1 KB: external memory V8 must sweep).
      writer.consume(written);
      if (writer.pendingBytes === 0) return true;
    }
    socket.write(writer.take());
    if (socket.writableLength === 0) writer.recycle();
    return true;
  }

  get pendingBytes(): number {
    return this.#socket.writableLength;
  }

  end(): void {
    this.#socket.end();
  }

  destroy(): void {
    this.#socket.destroy();
  }
}
