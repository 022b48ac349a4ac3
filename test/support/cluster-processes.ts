/**
 * Real cluster node processes for the acceptance tests: Tessera (`tessera server`) and
 * redis-server, each with `cluster-enabled yes` on a free client port and a free bus port
 * (given explicitly: port + 10000 may be taken, or above 65535), in its own temp dir that
 * survives a restart (nodes.conf lives there). Everything waits with a bound and fails with
 * the node's output.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Reply } from '../../src/resp/reply-parser.js';
import { RawClient } from './raw-client.js';
import { cliPath } from './tessera.js';
import { freePort, stopProcess, waitForOutput } from './redis-server-process.js';

export type ClusterNodeKind = 'tessera' | 'redis';

export interface ClusterNodeProcess {
  readonly kind: ClusterNodeKind;
  readonly port: number;
  readonly busPort: number;
  readonly dir: string;
  /** host:port, as redis-cli --cluster takes it. */
  readonly address: string;
  output(): string;
  /** Stops the process (SIGTERM) and keeps its dir. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and dir (nodes.conf is read back). */
  restart(): Promise<void>;
  /** Stops it and removes its dir. */
  destroy(): Promise<void>;
}

export interface ClusterNodeOptions {
  /** More `--directive value` arguments. */
  readonly extraArgs?: readonly string[];
  readonly nodeTimeoutMs?: number;
}

const READY_TIMEOUT_MS = 15_000;

/** Ports this process handed out: parallel starts must not get the same free port twice. */
const portsHandedOut = new Set<number>();

async function uniqueFreePort(): Promise<number> {
  // Bounded: the OS rarely returns a recently used port twice in a row.
  for (let i = 0; i < 20; i++) {
    const port = await freePort();
    if (!portsHandedOut.has(port)) {
      portsHandedOut.add(port);
      return port;
    }
  }
  throw new Error('no unused free port after 20 tries');
}

/** Attempts per node when a port was taken between picking it and binding it (another process). */
const START_ATTEMPTS = 3;

export async function startClusterNode(kind: ClusterNodeKind, options: ClusterNodeOptions = {}): Promise<ClusterNodeProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startClusterNodeOnce(kind, options);
    } catch (error) {
      if (attempt >= START_ATTEMPTS || !/Address already in use|EADDRINUSE/.test((error as Error).message)) throw error;
    }
  }
}

async function startClusterNodeOnce(kind: ClusterNodeKind, options: ClusterNodeOptions): Promise<ClusterNodeProcess> {
  const port = await uniqueFreePort();
  const busPort = await uniqueFreePort();
  const dir = mkdtempSync(join(tmpdir(), `tessera-cluster-${kind}-`));
  const directives = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
    '--cluster-enabled', 'yes', '--cluster-port', String(busPort), '--cluster-config-file', 'nodes.conf',
    '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 5000),
    '--save', '', '--appendonly', 'no',
    ...(options.extraArgs ?? []),
  ];
  const command = kind === 'tessera' ? process.execPath : 'redis-server';
  const args = kind === 'tessera' ? [cliPath, 'server', ...directives] : directives;
  let child: ChildProcess | null = null;
  let output = '';

  const launch = async () => {
    output = '';
    const started = spawn(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForOutput(started, (text) => text.includes('Ready to accept connections'), READY_TIMEOUT_MS, `${kind} cluster node on port ${port}`);
  };
  const stop = async () => {
    connections.get(port)?.close();
    connections.delete(port);
    if (child !== null) await stopProcess(child);
    child = null;
  };
  try {
    await launch();
  } catch (error) {
    await stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    kind,
    port,
    busPort,
    dir,
    address: `127.0.0.1:${port}`,
    output: () => output,
    stop,
    restart: launch,
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts `count` nodes of a kind in parallel. */
export function startClusterNodes(kind: ClusterNodeKind, count: number, options: ClusterNodeOptions = {}): Promise<ClusterNodeProcess[]> {
  return Promise.all(Array.from({ length: count }, () => startClusterNode(kind, options)));
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs redis-cli with a time bound; never throws (the caller asserts on the result). */
export function redisCli(args: readonly string[], timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      stderr += `\n[redis-cli killed after ${timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** One connection per node port, reused by nodeCommand (spawning redis-cli per probe is slow). */
const connections = new Map<number, RawClient>();

/** The reply as redis-cli prints it, trimmed: arrays one element per line, errors as their text. */
function replyText(reply: Reply): string {
  switch (reply.type) {
    case 'array':
    case 'set':
    case 'push':
      return reply.value.map(replyText).join('\n');
    case 'map':
      return reply.value.map(([key, value]) => `${replyText(key)}\n${replyText(value)}`).join('\n');
    case 'null':
      return '';
    case 'integer':
      return reply.value.toString();
    default:
      return String(reply.value);
  }
}

/** One command on one node over a kept connection (reconnected after a restart), its reply as text. */
export async function nodeCommand(node: { port: number }, ...args: string[]): Promise<string> {
  let client = connections.get(node.port);
  if (client === undefined || client.closed) {
    client = await RawClient.connect(node.port);
    client.socket.unref();
    connections.set(node.port, client);
  }
  try {
    return replyText(await client.call(...args)).trim();
  } catch (error) {
    client.close();
    connections.delete(node.port);
    throw error;
  }
}

/** Polls `probe` every intervalMs until it returns a value other than undefined; fails after timeoutMs with `describe()`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  describe: () => Promise<string> | string,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  // Bounded by the deadline.
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms: ${await describe()}`);
}

/** CLUSTER NODES of a node, as sorted "id ip:port@cport master|slave slots" lines (no times or link states). */
export async function clusterView(node: { port: number }): Promise<string[]> {
  const text = await nodeCommand(node, 'CLUSTER', 'NODES');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const fields = line.trim().split(' ');
      const role = (fields[2] ?? '').split(',').filter((flag) => flag !== 'myself').join(',');
      return [fields[0], fields[1]?.split(',')[0], role, fields[3], ...fields.slice(8)].join(' ');
    })
    .sort();
}

/** True when redis-server is on PATH (the acceptance tests need it and redis-cli). */
export function haveRedis(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}
