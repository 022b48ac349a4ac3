import { existsSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { AofCommandReader } from './aof-command-reader.js';
import type { AofLog } from './aof-log.js';
import type { AofManifest } from './manifest.js';

/** What loading one file or the whole set gave (Redis's AOF_OK, AOF_TRUNCATED...). */
export type AofLoadStatus = 'ok' | 'truncated' | 'empty' | 'not-exist' | 'open-error' | 'failed';

export interface AofLoadHooks {
  /** Runs one command as the AOF client; false when the command does not exist. */
  execute(argv: string[]): boolean;
  /** Loads an RDB image (a base file starting with "REDIS"); throws with a message when corrupt. */
  loadRdb(data: Buffer, fileName: string): Promise<number>;
  /** appendfilename: a base with this very name is an old-style AOF (RDB preamble + commands). */
  readonly oldStyleName?: string;
  /** aof-load-truncated. */
  readonly loadTruncated: boolean;
  readonly log: AofLog;
  /** Lets the node serve clients now and then (INFO loading:1); called every few thousand commands. */
  yieldToClients?: () => Promise<void>;
  /** Bytes loaded so far, for INFO loading fields. */
  progress?: (loadedBytes: number, totalBytes: number) => void;
  /** key-load-delay: a pause after each command (tests make a load slow on purpose, as in Redis). */
  commandDelay?: () => void;
}

/** Commands run between two yields to the event loop while loading. */
const COMMANDS_PER_YIELD = 1024;

/** Redis's loadAppendOnlyFiles: the base, then each incr file in manifest order. */
export async function loadAppendOnlyFiles(dir: string, manifest: AofManifest, hooks: AofLoadHooks): Promise<{ status: AofLoadStatus; totalBytes: number; baseBytes: number }> {
  const files = [...(manifest.base ? [manifest.base] : []), ...manifest.incr];
  if (files.length === 0) return { status: 'not-exist', totalBytes: 0, baseBytes: 0 };
  let totalBytes = 0;
  for (const file of files) {
    const path = join(dir, file.name);
    try {
      totalBytes += statSync(path).size;
    } catch (error) {
      hooks.log.log('warning', `Unable to obtain the AOF file ${file.name} length. stat: ${errorText(error)}`);
      return { status: 'failed', totalBytes: 0, baseBytes: 0 };
    }
  }
  if (totalBytes === 0) return { status: 'empty', totalBytes: 0, baseBytes: 0 };
  let baseBytes = 0;
  let status: AofLoadStatus = 'ok';
  let loadedBefore = 0;
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    const isBase = file.type === 'b';
    const last = i === files.length - 1;
    const startedMs = performance.now();
    const size = statSync(join(dir, file.name)).size;
    if (isBase) baseBytes = size;
    status = await loadSingleAppendOnlyFile(dir, file.name, hooks, { loadedBefore, totalBytes });
    loadedBefore += size;
    if (status === 'ok' || (status === 'truncated' && last)) {
      hooks.log.log('notice', `DB loaded from ${isBase ? 'base' : 'incr'} file ${file.name}: ${((performance.now() - startedMs) / 1000).toFixed(3)} seconds`);
    }
    if (!isBase && status === 'empty') status = 'ok';
    if (status === 'truncated' && !last) {
      status = 'failed';
      hooks.log.log('warning', 'Fatal error: the truncated file is not the last file');
    }
    if (status === 'open-error' || status === 'failed') return { status, totalBytes, baseBytes };
  }
  return { status, totalBytes, baseBytes };
}

/** Redis's loadSingleAppendOnlyFile, with its log lines. */
export async function loadSingleAppendOnlyFile(dir: string, fileName: string, hooks: AofLoadHooks, position = { loadedBefore: 0, totalBytes: 0 }): Promise<AofLoadStatus> {
  const { loadedBefore, totalBytes } = position;
  const path = join(dir, fileName);
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    if (existsSync(path) || (error as NodeJS.ErrnoException).code !== 'ENOENT') {
      hooks.log.log('warning', `Fatal error: can't open the append log file ${fileName} for reading: ${errorText(error)}`);
      return 'open-error';
    }
    hooks.log.log('warning', `The append log file ${fileName} doesn't exist: No such file or directory`);
    return 'not-exist';
  }
  if (data.length === 0) return 'empty';

  let startOffset = 0;
  if (data.length >= 5 && data.toString('latin1', 0, 5) === 'REDIS') {
    const oldStyle = fileName === hooks.oldStyleName;
    hooks.log.log('notice', oldStyle ? 'Reading RDB preamble from AOF file...' : 'Reading RDB base file on AOF loading...');
    try {
      hooks.progress?.(loadedBefore, totalBytes);
      // A base file is the RDB alone; an old-style preamble AOF goes on with commands after it.
      startOffset = await hooks.loadRdb(data, fileName);
    } catch (error) {
      hooks.log.log(
        'warning',
        oldStyle ? `Error reading the RDB preamble of the AOF file ${fileName}, AOF loading aborted` : `Error reading the RDB base file ${fileName}, AOF loading aborted`,
      );
      hooks.log.log('warning', `${(error as Error).message}`);
      return 'failed';
    }
    if (oldStyle) hooks.log.log('notice', 'Reading the remaining AOF tail...');
  }

  const reader = new AofCommandReader(data, startOffset);
  let validUpTo = startOffset;
  let validBeforeMulti = startOffset;
  let inMulti = false;
  let sinceYield = 0;
  while (true) {
    const result = reader.next();
    if (result.kind === 'eof') break;
    if (result.kind === 'format') {
      hooks.log.log('warning', `Bad file format reading the append only file ${fileName}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`);
      return 'failed';
    }
    if (result.kind === 'truncated') return truncate(path, fileName, validUpTo, hooks);
    const name = (result.argv[0] as string).toLowerCase();
    if (name === 'multi') validBeforeMulti = validUpTo;
    if (!hooks.execute(result.argv)) {
      hooks.log.log('warning', `Unknown command '${result.argv[0] as string}' reading the append only file ${fileName}`);
      return 'failed';
    }
    if (name === 'multi') inMulti = true;
    else if (name === 'exec' || name === 'discard') inMulti = false;
    validUpTo = reader.offset;
    hooks.commandDelay?.();
    if (++sinceYield >= COMMANDS_PER_YIELD && hooks.yieldToClients) {
      sinceYield = 0;
      hooks.progress?.(loadedBefore + reader.offset, totalBytes);
      await hooks.yieldToClients();
    }
  }
  hooks.progress?.(loadedBefore + data.length, totalBytes);
  if (inMulti) {
    hooks.log.log('warning', `Revert incomplete MULTI/EXEC transaction in AOF file ${fileName}`);
    // The queued commands never ran; end the fake client's transaction before anything else.
    hooks.execute(['DISCARD']);
    return truncate(path, fileName, validBeforeMulti, hooks);
  }
  return 'ok';
}

/** Redis's uxeof: cut the file at the last complete command, or refuse (aof-load-truncated no). */
function truncate(path: string, fileName: string, validUpTo: number, hooks: AofLoadHooks): AofLoadStatus {
  if (hooks.loadTruncated) {
    hooks.log.log('warning', `!!! Warning: short read while loading the AOF file ${fileName}!!!`);
    hooks.log.log('warning', `!!! Truncating the AOF ${fileName} at offset ${validUpTo} !!!`);
    try {
      truncateSync(path, validUpTo);
      hooks.log.log('warning', `AOF ${fileName} loaded anyway because aof-load-truncated is enabled`);
      return 'truncated';
    } catch (error) {
      hooks.log.log('warning', `Error truncating the AOF file ${fileName}: ${errorText(error)}`);
    }
  }
  hooks.log.log(
    'warning',
    `Unexpected end of file reading the append only file ${fileName}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`,
  );
  return 'failed';
}

function errorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'EACCES') return 'Permission denied';
  return (error as Error).message;
}
