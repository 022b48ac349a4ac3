import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigStore } from '../../src/server/config/config-store.js';
import { loadConfigText, argsToConfigText } from '../../src/server/config/config-file.js';
import { Logger } from '../../src/server/log.js';
import { TesseraServer } from '../../src/server/server.js';
import { freePort, stopProcess, waitForOutput } from './redis-server-process.js';

export interface InProcessNode {
  server: TesseraServer;
  port: number;
  stop: () => Promise<void>;
}

/**
 * A Tessera node in this process on a free loopback port: fast to start, real sockets.
 * `directives` are redis.conf directives, e.g. { requirepass: 'secret' }.
 */
export async function startTessera(directives: Record<string, string> = {}): Promise<InProcessNode> {
  const config = new ConfigStore();
  const args = ['--port', '0', '--bind', '127.0.0.1'];
  for (const [name, value] of Object.entries(directives)) args.push(`--${name}`, value);
  loadConfigText(config, argsToConfigText(args));
  const logger = new Logger();
  logger.level = 'warning';
  const server = new TesseraServer({ config, logger });
  await server.listen();
  return { server, port: server.boundPort, stop: () => server.close() };
}

export const cliPath = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface NodeProcess {
  port: number;
  process: ChildProcess;
  dir: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** A Tessera node as a real process (`tessera server`), for signals, exit codes and logs. */
export async function startTesseraProcess(args: string[] = []): Promise<NodeProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-node-'));
  const child = spawn(process.execPath, [cliPath, 'server', '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitForOutput(child, (text) => text.includes('Ready to accept connections'), 10_000, 'tessera server');
  return {
    port,
    process: child,
    dir,
    output: () => output,
    stop: () => stopProcess(child).then(() => rmSync(dir, { recursive: true, force: true })),
  };
}
