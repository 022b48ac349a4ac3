import { readFileSync } from 'node:fs';

export interface KnownDifference {
  /** Corpus file name, or `*` for any file. */
  file: string;
  /** The command text exactly as in the corpus line (after its directive). */
  command: string;
  why: string;
  /** How many mismatches this entry excused in this run. */
  used: number;
}

/**
 * Reads the table of accepted differences from known-differences.md: rows
 * `| file.txt | \`COMMAND as written\` | why |`. Anything not listed there must match.
 */
export function loadKnownDifferences(path: string): KnownDifference[] {
  const out: KnownDifference[] = [];
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('|')) continue;
    const cells = line
      .slice(1, line.endsWith('|') ? -1 : undefined)
      .split('|')
      .map((cell) => cell.trim());
    const [file, command, why] = cells;
    if (file === undefined || command === undefined || why === undefined) continue;
    if (!(file === '*' || file.endsWith('.txt')) || !/^`.*`$/.test(command)) continue; // header, ruler
    out.push({ file, command: command.slice(1, -1), why, used: 0 });
  }
  return out;
}

export function findKnownDifference(list: readonly KnownDifference[], file: string, command: string): KnownDifference | undefined {
  return list.find((entry) => (entry.file === '*' || entry.file === file) && entry.command === command);
}
