import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (bind to 0, read it, release it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  port: number;
  process: ChildProcess;
  dir: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Waits until `predicate(output)` holds, or fails after timeoutMs with the output so far. */
export function waitForOutput(child: ChildProcess, predicate: (text: string) => boolean, timeoutMs: number, label: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (predicate(text)) finish(null);
    };
    const onExit = (code: number | null) => finish(new Error(`${label} exited (code ${code}) before it was ready:\n${text}`));
    const timer = setTimeout(() => finish(new Error(`${label} not ready after ${timeoutMs} ms:\n${text}`)), timeoutMs);
    function finish(error: Error | null) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(text);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/**
 * Spawns a server process in a fresh temp dir on a free loopback port and waits for its
 * "Ready to accept connections" line. `argsFor(port, dir)` gives the command line.
 */
export async function startServerProcess(
  label: string,
  command: string,
  argsFor: (port: number, dir: string) => string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `tessera-${label.replace(/\W+/g, '-')}-`));
  const child = spawn(command, argsFor(port, dir), { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitForOutput(child, (text) => text.includes('Ready to accept connections'), 10_000, label);
  return {
    port,
    process: child,
    dir,
    output: () => output,
    stop: () => stopProcess(child).then(() => rmSync(dir, { recursive: true, force: true })),
  };
}

/** Starts a real redis-server on a free loopback port, with no persistence, in a temp dir. */
export function startRedisServer(extraArgs: string[] = []): Promise<RunningProcess> {
  return startServerProcess('redis-server', 'redis-server', (port, dir) => [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs,
  ]);
}

/** Ends a child we started: SIGTERM, then SIGKILL if it has not exited within 5 s. */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
