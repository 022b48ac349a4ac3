/**
 * nodes.conf on disk (cluster-config-file): loaded once at start, saved atomically after every
 * change that asks for it (temp file in the same directory, fsync, rename, fsync of the
 * directory), so a crash leaves either the old file or the new one, never half of one.
 *
 * One node per file: Redis takes an flock on it. Node has no flock, so we hold a lock file next
 * to it (`<file>.lock`, created exclusively, holding our pid); a lock whose pid is no longer
 * running is stale and taken over.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { formatNodesConf, parseNodesConf, type NodesConf } from '../../cluster/nodes-conf.js';
import { NodeFlag } from '../../cluster/node-flags.js';

/** The node cannot start in cluster mode (this file, or its ports): the CLI prints `message` and exits 1. */
export class NodesConfFileError extends Error {
  override name = 'NodesConfFileError';
}

/** Lock files this process holds: two in-process nodes (tests) must not share one file either. */
const heldByThisProcess = new Set<string>();

export class NodesConfFile {
  readonly path: string;
  readonly #lockPath: string;
  #locked = false;

  constructor(path: string) {
    this.path = path;
    this.#lockPath = `${path}.lock`;
  }

  /** Takes the file for this process, or throws Redis's message when another node holds it. */
  lock(): void {
    if (this.#locked) return;
    if (heldByThisProcess.has(this.#lockPath)) throw this.#inUse();
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(this.#lockPath, `${process.pid}\n`, { flag: 'wx' });
        this.#locked = true;
        heldByThisProcess.add(this.#lockPath);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new NodesConfFileError(`Can't open ${this.#lockPath} in order to acquire a lock: ${(error as Error).message}`);
        }
        const holder = Number(readText(this.#lockPath)?.trim());
        if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) break;
        // A stale lock from a process that is gone (or from an earlier life of our pid): take it over.
        rmSync(this.#lockPath, { force: true });
      }
    }
    throw this.#inUse();
  }

  #inUse(): NodesConfFileError {
    return new NodesConfFileError(
      `Sorry, the cluster configuration file ${basename(this.path)} is already used by a different Redis Cluster node. ` +
        'Please make sure that different nodes use different cluster configuration files.',
    );
  }

  unlock(): void {
    if (!this.#locked) return;
    this.#locked = false;
    heldByThisProcess.delete(this.#lockPath);
    rmSync(this.#lockPath, { force: true });
  }

  /**
   * The saved configuration, or null when there is none yet (no file, or an empty one: Redis
   * then creates a new node and writes the file). A file that does not parse, or names no
   * `myself` node, is corrupt: the node must not start with a new identity over it.
   */
  load(): NodesConf | null {
    const text = readText(this.path);
    if (text === null || text.trim() === '') return null;
    const parsed = parseNodesConf(text);
    if (!parsed.ok) throw new NodesConfFileError(`Unrecoverable error: corrupted cluster config file "${this.path}": ${parsed.error}`);
    const myself = parsed.value.nodes.filter((node) => (node.nodeFlags & NodeFlag.myself) !== 0);
    if (myself.length !== 1) {
      throw new NodesConfFileError(`Unrecoverable error: corrupted cluster config file "${this.path}": ${myself.length} nodes flagged myself`);
    }
    return parsed.value;
  }

  /** Writes the whole file atomically; throws on an I/O error (the caller logs it, Redis exits). */
  save(conf: NodesConf): void {
    const text = formatNodesConf(conf);
    const temp = join(dirname(this.path), `temp-${process.pid}-${basename(this.path)}`);
    const fd = openSync(temp, 'w', 0o644);
    try {
      const bytes = Buffer.from(text, 'latin1');
      let written = 0;
      // Bounded: each pass writes at least one byte or throws.
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.path);
    fsyncDirectory(dirname(this.path));
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'latin1');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new NodesConfFileError(`Unrecoverable error: can't read the cluster config file "${path}": ${(error as Error).message}`);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The rename is durable only once the directory entry is on disk. */
function fsyncDirectory(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
