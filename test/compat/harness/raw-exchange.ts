import { connect } from 'node:net';

export interface RawOutcome {
  /** Everything the server sent, latin1. */
  received: string;
  /** True when the server closed the connection. */
  closed: boolean;
}

/**
 * Sends raw bytes on a fresh connection and collects what comes back until the server closes,
 * or until it has been quiet for quietMs (it is then waiting for more bytes), bounded by maxMs.
 */
export function rawExchange(port: number, bytes: Buffer, options: { quietMs?: number; maxMs?: number } = {}): Promise<RawOutcome> {
  const quietMs = options.quietMs ?? 300;
  const maxMs = options.maxMs ?? 5000;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.write(bytes));
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(quiet);
      clearTimeout(limit);
      socket.destroy();
      resolve({ received: Buffer.concat(chunks).toString('latin1'), closed });
    };
    let quiet = setTimeout(() => finish(false), quietMs);
    const limit = setTimeout(() => finish(false), maxMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      clearTimeout(quiet);
      quiet = setTimeout(() => finish(false), quietMs);
    });
    socket.on('close', () => finish(true));
    socket.on('error', (error) => {
      if (!settled && chunks.length === 0 && (error as NodeJS.ErrnoException).code === 'ECONNREFUSED') {
        settled = true;
        reject(error);
      }
    });
  });
}
