import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { AofCommandReader } from '../../src/persistence/aof/aof-command-reader.js';
import { parseManifest, type AofManifest } from '../../src/persistence/aof/manifest.js';
import { startTessera, type InProcessNode } from './tessera.js';

/** A fresh temp dir removed after the test. */
export function tempDir(t: Pick<TestContext, 'after'>, label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tessera-${label}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function readManifest(aofDir: string, filename = 'appendonly.aof'): AofManifest {
  return parseManifest(readFileSync(join(aofDir, `${filename}.manifest`), 'latin1'));
}

/** The commands of one AOF file, as argv arrays (the RDB part of a preamble file skipped). */
export function readAofCommands(path: string): string[][] {
  const data = readFileSync(path);
  const reader = new AofCommandReader(data);
  const commands: string[][] = [];
  while (true) {
    const result = reader.next();
    if (result.kind !== 'command') {
      if (result.kind !== 'eof') throw new Error(`${path}: ${result.kind} at ${reader.offset}`);
      return commands;
    }
    commands.push(result.argv);
  }
}

/** The commands of the current incr file (the manifest's last one). */
export function readLastIncr(aofDir: string): string[][] {
  const manifest = readManifest(aofDir);
  const last = manifest.incr[manifest.incr.length - 1];
  if (last === undefined) throw new Error('no incr file');
  return readAofCommands(join(aofDir, last.name));
}

export function listFiles(dir: string): string[] {
  return readdirSync(dir).sort();
}

/**
 * An in-process node that also loads its data at start (the CLI's listen + loadDataFromDisk):
 * with appendonly yes it loads and opens the AOF. On a load error the node is closed and the
 * error rethrown.
 */
export async function startTesseraLoaded(directives: Record<string, string>): Promise<InProcessNode> {
  const node = await startTessera(directives);
  try {
    await node.server.loadDataFromDisk();
  } catch (error) {
    await node.stop();
    throw error;
  }
  return node;
}
