import { splitArgs } from '../../resp/split-args.js';
import { DirectiveError } from './directive.js';
import type { ConfigStore } from './config-store.js';

/** A bad line in the config file or on the command line: redis-server prints it and exits 1. */
export class ConfigFileError extends Error {
  override name = 'ConfigFileError';
  readonly lineNumber: number;
  readonly lineText: string;
  readonly reason: string;
  constructor(lineNumber: number, lineText: string, reason: string) {
    super(`*** FATAL CONFIG FILE ERROR ***\nReading the configuration file, at line ${lineNumber}\n>>> '${lineText}'\n${reason}`);
    this.lineNumber = lineNumber;
    this.lineText = lineText;
    this.reason = reason;
  }
}

/**
 * Turns redis-server's command line (`[file] [--name value ...]`) into config text: options
 * become lines appended after the file's own, as Redis does, so they override it.
 */
export function argsToConfigText(args: readonly string[]): string {
  const lines: string[] = [];
  let current: string[] | undefined;
  for (const arg of args) {
    if (arg.startsWith('--') && arg.length > 2) {
      if (current) lines.push(current.join(' '));
      current = [arg.slice(2)];
    } else if (current) {
      current.push(quoteArg(arg));
    }
  }
  if (current) lines.push(current.join(' '));
  return lines.join('\n');
}

function quoteArg(arg: string): string {
  // Redis wraps each option argument with sdscatrepr so spaces and quotes survive splitting.
  return '"' + arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r') + '"';
}

/** Applies config text to the store; throws ConfigFileError for the first bad line. */
export function loadConfigText(store: ConfigStore, text: string): void {
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const args = splitArgs(line);
    if (args === null) throw new ConfigFileError(index + 1, line, 'Unbalanced quotes in configuration line');
    if (args.length === 0) continue;
    const [name, ...values] = args as [string, ...string[]];
    try {
      if (values.length !== 1) throw new DirectiveError('Bad directive or wrong number of arguments');
      store.load(name, values[0] as string);
    } catch (error) {
      if (error instanceof DirectiveError) throw new ConfigFileError(index + 1, line, error.message);
      throw error;
    }
  }
}
