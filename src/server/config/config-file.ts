import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { splitArgs } from '../../resp/split-args.js';
import { findDirective, type ConfigStore } from './config-store.js';
import { DirectiveError, quoteRepr } from './directive.js';

export const REDIS_VERSION = '7.0.15';

/** A bad line in the config file or on the command line: redis-server prints it and exits 1. */
export class ConfigFileError extends Error {
  override name = 'ConfigFileError';
  readonly lineNumber: number;
  readonly lineText: string;
  readonly reason: string;
  constructor(lineNumber: number, lineText: string, reason: string) {
    super(formatConfigError(lineNumber, lineText, reason));
    this.lineNumber = lineNumber;
    this.lineText = lineText;
    this.reason = reason;
  }
}

/** The block redis-server writes to stderr before exiting 1 (loadServerConfigFromString). */
export function formatConfigError(lineNumber: number, lineText: string, reason: string): string {
  return `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\nReading the configuration file, at line ${lineNumber}\n>>> '${lineText}'\n${reason}\n`;
}

/** A config file (or an include) that cannot be read: Redis prints this and exits 1. */
export class ConfigFileOpenError extends Error {
  override name = 'ConfigFileOpenError';
  constructor(path: string, cause: string) {
    super(`Fatal error, can't open config file '${path}': ${cause}`);
  }
}

/** redis-server's split of its argv: the config file (or '-' for stdin) and the option text. */
export interface CommandLine {
  configFile: string | undefined;
  fromStdin: boolean;
  optionText: string;
}

/**
 * Parses redis-server's arguments like its main(): an optional config file first, '-' to read
 * stdin, then `--name value...` options, each becoming one config line appended after the file
 * (values quoted with sdscatrepr), so they override it. The argument right after an option name
 * is its value even when it starts with '--'; a bare `--save` means `save ""`.
 */
export function parseCommandLine(args: readonly string[]): CommandLine {
  let index = 0;
  let configFile: string | undefined;
  let fromStdin = false;
  const first = args[0];
  if (first !== undefined && !first.startsWith('--') && first !== '-') {
    configFile = first;
    index = 1;
  }
  let options = '';
  let expectingValue = false;
  for (let j = index; j < args.length; j++) {
    const arg = args[j] as string;
    if (arg === '-' && (j === 0 || j === args.length - 1)) {
      fromStdin = true;
    } else if (!expectingValue && arg.startsWith('--')) {
      if (options !== '') options += '\n';
      options += arg.slice(2) + ' ';
      const words = splitArgs(arg) ?? [];
      if (words.length === 1) {
        expectingValue = true;
        const next = args[j + 1];
        if (arg.toLowerCase() === '--save' && (next === undefined || next.startsWith('--'))) {
          options += '""';
          expectingValue = false;
        }
      } else {
        // "--port 6380" as one argument: name and value together.
        expectingValue = false;
      }
    } else {
      options += quoteRepr(arg) + ' ';
      expectingValue = false;
    }
  }
  return { configFile, fromStdin, optionText: options };
}

/** Kept for callers that only have options: the text Redis appends after the file. */
export function argsToConfigText(args: readonly string[]): string {
  return parseCommandLine(args).optionText;
}

/** Include nesting bound: an include loop must end in an error, not a stack overflow. */
const MAX_INCLUDE_DEPTH = 16;

/**
 * Applies config text to the store like loadServerConfigFromString; throws ConfigFileError for
 * the first bad line (line numbers count from 1 in this text) or ConfigFileOpenError for an
 * include that cannot be read.
 */
export function loadConfigText(store: ConfigStore, text: string, depth = 0): void {
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] as string).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line === '' || line.startsWith('#')) continue;
    const args = splitArgs(line);
    if (args === null) throw new ConfigFileError(index + 1, line, 'Unbalanced quotes in configuration line');
    if (args.length === 0) continue;
    const name = (args[0] as string).toLowerCase();
    const values = args.slice(1);
    try {
      const directive = findDirective(name);
      if (directive !== undefined) {
        store.loadLine(directive, values);
      } else if (name === 'include' && values.length === 1) {
        if (depth >= MAX_INCLUDE_DEPTH) throw new DirectiveError('Too many nested include directives');
        // Redis has already chdir()ed to any earlier `dir` line: relative includes start there.
        const path = values[0] as string;
        loadConfigFile(store, isAbsolute(path) ? path : resolve(store.value('dir'), path), depth + 1, path);
      } else if ((name === 'rename-command' && values.length === 2) || ((name === 'user' || name === 'loadmodule') && values.length >= 1)) {
        store.loaderLines.push({ directive: name, args: values });
      } else if (name === 'sentinel') {
        throw new DirectiveError('sentinel directive while not in sentinel mode');
      } else {
        throw new DirectiveError('Bad directive or wrong number of arguments');
      }
    } catch (error) {
      if (error instanceof DirectiveError) throw new ConfigFileError(index + 1, line, error.message);
      throw error;
    }
  }
}

/** Reads and applies one config file (relative paths: from the current directory, as Redis). */
export function loadConfigFile(store: ConfigStore, path: string, depth = 0, shownPath = path): void {
  let text: string;
  try {
    text = readFileSync(isAbsolute(path) ? path : resolve(path), 'latin1');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigFileOpenError(shownPath, code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : (error as Error).message);
  }
  loadConfigText(store, text, depth);
}
