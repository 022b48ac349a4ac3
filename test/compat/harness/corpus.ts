import { splitArgs } from '../../../src/resp/split-args.js';

/** How a corpus line's replies are compared. */
export type Directive = 'exact' | 'sorted' | 'ignore' | 'type';

export interface CorpusEntry {
  file: string;
  /** 1-based line number in the file. */
  line: number;
  /** The command as written, without its directive. */
  command: string;
  directive: Directive;
  argv: string[];
}

const DIRECTIVES: ReadonlyMap<string, Directive> = new Map([
  ['@sorted', 'sorted'],
  ['@ignore', 'ignore'],
  ['@type', 'type'],
]);

/**
 * Parses a corpus file: one command per line in redis-cli quoting (sdssplitargs), blank lines
 * and `#` comments skipped, an optional `@sorted ` / `@ignore ` / `@type ` prefix. The text is
 * latin1 (one char per byte), so the bytes of the file are the bytes sent. A line that cannot
 * be parsed is an error in the corpus, reported with its place.
 */
export function parseCorpus(file: string, text: string): CorpusEntry[] {
  const entries: CorpusEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let command = (lines[i] as string).replace(/\r$/, '').trim();
    if (command === '' || command.startsWith('#')) continue;
    let directive: Directive = 'exact';
    if (command.startsWith('@')) {
      const space = command.search(/\s/);
      const name = space === -1 ? command : command.slice(0, space);
      const found = DIRECTIVES.get(name.toLowerCase());
      if (found === undefined) throw new Error(`${file}:${i + 1}: unknown directive ${JSON.stringify(name)}`);
      directive = found;
      command = space === -1 ? '' : command.slice(space + 1).trim();
    }
    const argv = splitArgs(command);
    if (argv === null) throw new Error(`${file}:${i + 1}: unbalanced quotes: ${command}`);
    if (argv.length === 0) throw new Error(`${file}:${i + 1}: directive without a command`);
    entries.push({ file, line: i + 1, command, directive, argv });
  }
  return entries;
}
