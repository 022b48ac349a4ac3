/**
 * Redis 7.0's AOF manifest (aof.c): one line per file, `file <name> seq <n> type <b|h|i>`,
 * the base first, then history files, then incremental files in sequence order.
 */

export type AofFileType = 'b' | 'h' | 'i';

export interface AofFileInfo {
  readonly name: string;
  readonly seq: number;
  readonly type: AofFileType;
}

export interface AofManifest {
  readonly base: AofFileInfo | undefined;
  readonly history: readonly AofFileInfo[];
  readonly incr: readonly AofFileInfo[];
  /** The highest base / incr sequence numbers given so far (new files take the next one). */
  readonly baseSeq: number;
  readonly incrSeq: number;
}

export const EMPTY_MANIFEST: AofManifest = { base: undefined, history: [], incr: [], baseSeq: 0, incrSeq: 0 };

/** Redis's MANIFEST_MAX_LINE. */
const MANIFEST_MAX_LINE_BYTES = 1024;

/** A manifest Redis would refuse: its message (aofLoadManifestFromFile) and the line. */
export class ManifestError extends Error {
  constructor(
    message: string,
    readonly lineNumber: number,
    readonly line: string | undefined,
  ) {
    super(message);
  }
}

export function manifestName(aofFilename: string): string {
  return `${aofFilename}.manifest`;
}

export function tempManifestName(aofFilename: string): string {
  return `temp-${aofFilename}.manifest`;
}

export function baseFileName(aofFilename: string, seq: number, rdbPreamble: boolean): string {
  return `${aofFilename}.${seq}.base.${rdbPreamble ? 'rdb' : 'aof'}`;
}

export function incrFileName(aofFilename: string, seq: number): string {
  return `${aofFilename}.${seq}.incr.aof`;
}

/** Redis's getTempIncrAofName: where writes go while AOF waits for its first rewrite. */
export function tempIncrFileName(aofFilename: string): string {
  return `temp-${aofFilename}.incr`;
}

/** Parses a manifest with Redis's checks; throws ManifestError with Redis's messages. */
export function parseManifest(text: string): AofManifest {
  let base: AofFileInfo | undefined;
  const history: AofFileInfo[] = [];
  const incr: AofFileInfo[] = [];
  let baseSeq = 0;
  let incrSeq = 0;
  const rawLines = text.split(/(?<=\n)/);
  if (text.length === 0) throw new ManifestError('Found an empty AOF manifest', 0, undefined);
  let lineNumber = 0;
  for (const raw of rawLines) {
    lineNumber++;
    if (raw.startsWith('#')) continue;
    if (!raw.endsWith('\n') || raw.length > MANIFEST_MAX_LINE_BYTES) throw new ManifestError('The AOF manifest file contains too long line', lineNumber, raw);
    const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line.length === 0) throw new ManifestError('Invalid AOF manifest file format', lineNumber, line);
    const words = splitManifestArgs(line);
    if (words === null || words.length < 6 || words.length % 2 !== 0) throw new ManifestError('Invalid AOF manifest file format', lineNumber, line);
    let name: string | undefined;
    let seq = 0;
    let type = '';
    for (let i = 0; i < words.length; i += 2) {
      const key = (words[i] as string).toLowerCase();
      const value = words[i + 1] as string;
      if (key === 'file') {
        name = value;
        if (name.includes('/')) throw new ManifestError("File can't be a path, just a filename", lineNumber, line);
      } else if (key === 'seq') {
        seq = atoll(value);
      } else if (key === 'type') {
        type = value.charAt(0);
      }
    }
    if (name === undefined || name === '' || seq === 0 || type === '') throw new ManifestError('Invalid AOF manifest file format', lineNumber, line);
    if (type === 'b') {
      if (base !== undefined) throw new ManifestError('Found duplicate base file information', lineNumber, line);
      base = { name, seq, type };
      baseSeq = seq;
    } else if (type === 'h') {
      history.push({ name, seq, type });
    } else if (type === 'i') {
      if (seq <= incrSeq) throw new ManifestError('Found a non-monotonic sequence number', lineNumber, line);
      incr.push({ name, seq, type });
      incrSeq = seq;
    } else {
      throw new ManifestError('Unknown AOF file type', lineNumber, line);
    }
  }
  return { base, history, incr, baseSeq, incrSeq };
}

/** The manifest text Redis writes (getAofManifestAsString). */
export function formatManifest(manifest: AofManifest): string {
  const files = [...(manifest.base ? [manifest.base] : []), ...manifest.history, ...manifest.incr];
  return files.map((file) => `file ${quoteIfNeeded(file.name)} seq ${file.seq} type ${file.type}\n`).join('');
}

/** A new base named after the next sequence number; the previous base becomes history. */
export function withNewBase(manifest: AofManifest, aofFilename: string, rdbPreamble: boolean): AofManifest {
  const seq = manifest.baseSeq + 1;
  const history = manifest.base ? [{ ...manifest.base, type: 'h' as const }, ...manifest.history] : [...manifest.history];
  return { ...manifest, base: { name: baseFileName(aofFilename, seq, rdbPreamble), seq, type: 'b' }, history, baseSeq: seq };
}

export function withNewIncr(manifest: AofManifest, aofFilename: string): AofManifest {
  const seq = manifest.incrSeq + 1;
  return { ...manifest, incr: [...manifest.incr, { name: incrFileName(aofFilename, seq), seq, type: 'i' }], incrSeq: seq };
}

/**
 * After a rewrite: every incr file but the last (`keepLast`, the one being written) becomes
 * history (Redis's markRewrittenIncrAofAsHistory).
 */
export function withRewrittenIncrAsHistory(manifest: AofManifest, keepLast: boolean): AofManifest {
  const kept = keepLast ? manifest.incr.slice(-1) : [];
  const moved = (keepLast ? manifest.incr.slice(0, -1) : manifest.incr).map((file) => ({ ...file, type: 'h' as const }));
  return { ...manifest, incr: kept, history: [...moved.reverse(), ...manifest.history] };
}

export function withoutHistory(manifest: AofManifest): AofManifest {
  return { ...manifest, history: [] };
}

/** strtoll-like: leading digits only, 0 when none (Redis uses atoll). */
function atoll(text: string): number {
  const match = /^\s*([+-]?\d+)/.exec(text);
  return match ? Number(match[1]) : 0;
}

/** Redis's sdsneedsrepr: names with spaces, quotes or unprintable bytes are quoted. */
function quoteIfNeeded(name: string): string {
  let plain = true;
  for (let i = 0; i < name.length && plain; i++) {
    const code = name.charCodeAt(i);
    plain = code > 32 && code < 127 && code !== 34 && code !== 39 && code !== 92;
  }
  if (plain) return name;
  let out = '"';
  for (const ch of name) {
    const code = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (code < 32 || code > 126) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** sdssplitargs for manifest lines: words, "double quoted" (with escapes) or 'single quoted'. */
function splitManifestArgs(line: string): string[] | null {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i] as string)) i++;
    if (i >= line.length) break;
    let word = '';
    const quote = line[i];
    if (quote === '"' || quote === "'") {
      i++;
      let closed = false;
      while (i < line.length) {
        const ch = line[i] as string;
        if (quote === '"' && ch === '\\' && i + 1 < line.length) {
          const next = line[i + 1] as string;
          if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
            word += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
            i += 4;
            continue;
          }
          word += ({ n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' } as Record<string, string>)[next] ?? next;
          i += 2;
          continue;
        }
        if (quote === "'" && ch === '\\' && line[i + 1] === "'") {
          word += "'";
          i += 2;
          continue;
        }
        if (ch === quote) {
          closed = true;
          i++;
          break;
        }
        word += ch;
        i++;
      }
      // A closing quote must be followed by a space or the end (sdssplitargs).
      if (!closed || (i < line.length && !/\s/.test(line[i] as string))) return null;
    } else {
      while (i < line.length && !/\s/.test(line[i] as string)) word += line[i++];
    }
    words.push(word);
  }
  return words;
}
