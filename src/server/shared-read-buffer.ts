import type { Socket } from 'node:net';

/**
 * The socket's descriptor, or -1. `_handle.fd` is libuv's: internal to Node but stable for TCP
 * and pipe handles.
 */
export function socketDescriptor(socket: Socket): number {
  const handle = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle;
  return typeof handle?.fd === 'number' ? handle.fd : -1;
}

/** Bytes of the one buffer every client socket reads into (libuv's default read size). */
const SHARED_READ_BUFFER_BYTES = 64 * 1024;
let sharedBuffer: Buffer | undefined;

interface UserBufferHandle {
  useUserBuffer?: (buffer: Uint8Array) => void;
}

/**
 * Makes an accepted socket read into one buffer shared by all clients, as Node's `onread`
 * socket option does for sockets it connects: `onBytes` gets a view of the bytes just read,
 * valid only until it returns (the caller copies what it keeps). Without it, each read costs a
 * 64 KB malloc, its shrink to the bytes read, an ArrayBuffer and its later sweep, and a trip
 * through the Readable stream: measured on a bare PING server, 11.0 → 10.0 µs of CPU per
 * request unpipelined and 0.75 → 0.63 µs at -P 16 (docs/performance-notes.md).
 *
 * Node offers `onread` only to sockets it creates, so this sets the same fields on an accepted
 * socket (found by their symbols' names; Node 20's net.js reads them in pause, resume and
 * onStreamRead) and points the handle at the buffer. The socket must not be reading yet
 * (servers accept with pauseOnConnect). Returns false, changing nothing, when this Node lacks
 * them: the caller then listens to 'data'.
 */
export function readIntoSharedBuffer(socket: Socket, onBytes: (bytes: Buffer) => void): boolean {
  const handle = (socket as unknown as { _handle?: UserBufferHandle | null })._handle;
  if (handle === undefined || handle === null || typeof handle.useUserBuffer !== 'function') return false;
  const symbols = new Map(Object.getOwnPropertySymbols(socket).map((symbol) => [symbol.description, symbol]));
  const kBuffer = symbols.get('kBuffer');
  const kBufferCb = symbols.get('kBufferCb');
  const kBufferGen = symbols.get('kBufferGen');
  if (kBuffer === undefined || kBufferCb === undefined || kBufferGen === undefined) return false;
  const buffer = (sharedBuffer ??= Buffer.allocUnsafe(SHARED_READ_BUFFER_BYTES));
  const fields = socket as unknown as Record<symbol, unknown>;
  fields[kBuffer] = buffer;
  fields[kBufferGen] = null;
  // Returning anything but false keeps the socket reading.
  fields[kBufferCb] = (bytesRead: number): void => onBytes(buffer.subarray(0, bytesRead));
  handle.useUserBuffer(buffer);
  return true;
}
