import { readFileSync } from 'node:fs';
import { startRedisServer } from '../test/support/redis-server-process.js';
import { startTesseraProcess } from '../test/support/tessera.js';

export type ServerKind = 'redis' | 'tessera';
export const SERVER_KINDS: readonly ServerKind[] = ['redis', 'tessera'];

/** A server under test: a real process on a free loopback port, without persistence. */
export interface BenchServer {
  kind: ServerKind;
  port: number;
  pid: number;
  stop: () => Promise<void>;
}

/**
 * Starts `redis-server --save '' --appendonly no` or `tessera server --save ''` (node
 * dist/src/cli/main.js), each in its own temp dir, both bound to 127.0.0.1 only.
 */
export async function startServer(kind: ServerKind): Promise<BenchServer> {
  const running = kind === 'redis' ? await startRedisServer() : await startTesseraProcess(['--save', '', '--appendonly', 'no']);
  const pid = running.process.pid;
  if (pid === undefined) throw new Error(`${kind} started without a pid`);
  return { kind, port: running.port, pid, stop: running.stop };
}

/** Starts both servers; if the second fails, the first is stopped before the error propagates. */
export async function startBoth(): Promise<Map<ServerKind, BenchServer>> {
  const servers = new Map<ServerKind, BenchServer>();
  try {
    for (const kind of SERVER_KINDS) servers.set(kind, await startServer(kind));
  } catch (error) {
    await stopAll(servers);
    throw error;
  }
  return servers;
}

export async function stopAll(servers: Map<ServerKind, BenchServer>): Promise<void> {
  for (const server of servers.values()) await server.stop();
  servers.clear();
}

/** Resident set size of a process, from /proc/<pid>/status (VmRSS, in kB there). */
export function readRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}
