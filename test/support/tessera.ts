import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigStore } from '../../src/server/config/config-store.js';
import { loadConfigText, argsToConfigText } from '../../src/server/config/config-file.js';
import { Logger } from '../../src/server/log.js';
import { TesseraServer } from '../../src/server/server.js';
import { startServerProcess, type RunningProcess } from './redis-server-process.js';

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
  // No save points unless asked: a test node must not write dump.rdb into the working directory.
  const args = ['--port', '0', '--bind', '127.0.0.1', '--save', ''];
  // A cluster node writes nodes.conf in `dir`: without one given, a temp dir (never the cwd).
  const tempDir = directives['cluster-enabled'] === 'yes' && directives['dir'] === undefined ? mkdtempSync(join(tmpdir(), 'tessera-node-')) : undefined;
  if (tempDir !== undefined) args.push('--dir', tempDir);
  for (const [name, value] of Object.entries(directives)) args.push(`--${name}`, value);
  loadConfigText(config, argsToConfigText(args));
  const logger = new Logger();
  logger.level = 'warning';
  const server = new TesseraServer({ config, logger });
  const removeTempDir = () => {
    if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
  };
  try {
    await server.listen();
  } catch (error) {
    removeTempDir();
    throw error;
  }
  return { server, port: server.boundPort, stop: () => server.close().then(removeTempDir) };
}

export const cliPath = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** A node process: its port, the child, its temp dir, its output so far, and stop(). */
export type NodeProcess = RunningProcess;

/** A Tessera node as a real process (`tessera server`), for signals, exit codes and logs. */
export function startTesseraProcess(args: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<NodeProcess> {
  return startServerProcess('tessera server', process.execPath, (port, dir) => [
    cliPath, 'server', '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...args,
  ], env);
}

/** Records every command the node propagates (replication and the AOF attach at that point). */
export function recordPropagation(node: InProcessNode): string[][] {
  const propagated: string[][] = [];
  const original = node.server.propagate.bind(node.server);
  node.server.propagate = (dbIndex, argv, changes) => {
    propagated.push([...argv]);
    original(dbIndex, argv, changes);
  };
  return propagated;
}
