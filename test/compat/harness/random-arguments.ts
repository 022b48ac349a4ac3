import generated from '../../../src/commands/generated/redis-commands.json' with { type: 'json' };
import type { Random } from '../../../src/lib/random.js';
import type { CommandTable } from '../../../src/commands/table.js';

/**
 * Random calls of the commands a node implements: the command's own option tokens (from Redis's
 * docs), a few keys, edge-case numbers and random bytes, in random order and number.
 */
export interface CommandTarget {
  /** The words that name it: ['get'] or ['object', 'encoding']. */
  words: string[];
  tokens: string[];
}

export const FUZZ_KEYS: readonly string[] = ['fz:a', 'fz:b', '{fz}c', 'fz:\x00'];
/** Edge numbers, but none that makes a valid huge allocation (SETRANGE/SETBIT offsets). */
const NUMBERS: readonly string[] = ['0', '1', '-1', '2', '10', '100', '-100', '4294967296', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '1.5', '-0', 'inf', '-inf', 'nan', '', '0x10', '1e3'];

const docs = (generated as unknown as { commands: Record<string, { docs: unknown }> }).commands;

/** Option tokens (NX, EX, WITHSCORES...) from the command's Redis docs. */
function tokensOf(fullName: string): string[] {
  const container = fullName.split('|')[0] as string;
  const text = JSON.stringify(docs[container]?.docs ?? null);
  return [...new Set([...text.matchAll(/\["token","([^"]+)"\]/g)].map((match) => match[1] as string))];
}

/**
 * The implemented commands (and subcommands) a fuzzer may call: none whose full name is in
 * `denied`, none carrying one of `deniedFlags` (Redis spec flags such as blocking or admin).
 */
export function commandTargets(table: CommandTable, denied: ReadonlySet<string>, deniedFlags: readonly string[]): CommandTarget[] {
  const targets: CommandTarget[] = [];
  const allowed = (name: string, flags: ReadonlySet<string>) => !denied.has(name) && !deniedFlags.some((flag) => flags.has(flag));
  for (const command of table.all()) {
    const name = command.spec.fullName;
    if (!allowed(name, command.spec.flags)) continue;
    if (command.subcommands === undefined) {
      targets.push({ words: [name], tokens: tokensOf(name) });
      continue;
    }
    targets.push({ words: [name], tokens: [] }); // the container alone: arity / unknown subcommand
    for (const sub of command.subcommands.values()) {
      if (allowed(sub.spec.fullName, sub.spec.flags)) targets.push({ words: sub.spec.fullName.split('|'), tokens: tokensOf(sub.spec.fullName) });
    }
  }
  return targets;
}

function randomArg(random: Random, target: CommandTarget): string {
  const kind = random.int(10);
  if (kind < 3) return FUZZ_KEYS[random.int(FUZZ_KEYS.length)] as string;
  if (kind < 6 && target.tokens.length > 0) {
    const token = target.tokens[random.int(target.tokens.length)] as string;
    return random.int(2) === 0 ? token : token.toLowerCase();
  }
  if (kind < 9) return NUMBERS[random.int(NUMBERS.length)] as string;
  const length = random.int(12);
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(random.int(256));
  return text;
}

export function randomCall(random: Random, targets: readonly CommandTarget[], maxArgs = 6): string[] {
  const target = targets[random.int(targets.length)] as CommandTarget;
  const argv = target.words.map((word) => (random.int(2) === 0 ? word.toUpperCase() : word));
  const extra = random.int(maxArgs + 1);
  for (let i = 0; i < extra; i++) argv.push(randomArg(random, target));
  return argv;
}

export function showArgv(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\x21-\x7e]+$/.test(arg) ? arg : JSON.stringify(arg))).join(' ');
}
