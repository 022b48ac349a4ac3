import { sha1hex } from './engine.js';
import { existingEvalEngine } from './eval-engines.js';
import { existingFunctionRegistry } from './function-registry.js';
import { parseEvalShebang, type ScriptFlags } from './script-flags.js';

/** The commands that run a script, and how they name it (one lookup: routing calls this for every command). */
const SCRIPT_COMMANDS: ReadonlyMap<string, 'body' | 'sha' | 'function'> = new Map([
  ['eval', 'body'],
  ['eval_ro', 'body'],
  ['evalsha', 'sha'],
  ['evalsha_ro', 'sha'],
  ['fcall', 'function'],
  ['fcall_ro', 'function'],
]);

/**
 * Whether an EVAL or FCALL command (or its _RO and SHA forms) writes, as Redis 7.0's
 * evalGetCommandFlags and fcallGetCommandFlags derive it from the script's flags before the
 * command runs (cluster routing reads it): true unless the script declares no-writes.
 * Undefined when the command's own flags apply: not a script command, an EVAL script without
 * shebang (compatibility mode), an unknown sha or function, or a shebang that does not parse
 * (the command fails later).
 */
export function scriptCommandWrites(server: object, fullName: string, argv: readonly string[]): boolean | undefined {
  const flags = scriptFlagsOf(server, fullName, argv);
  return flags === undefined ? undefined : !flags.has('no-writes');
}

function scriptFlagsOf(server: object, fullName: string, argv: readonly string[]): ScriptFlags | undefined {
  const kind = SCRIPT_COMMANDS.get(fullName);
  const target = argv[1];
  if (kind === undefined || target === undefined) return undefined;
  if (kind === 'function') return existingFunctionRegistry(server)?.lookup(target)?.fn.flags;
  const bySha = kind === 'sha';
  if (bySha && target.length !== 40) return undefined;
  const cached = existingEvalEngine(server)?.flagsOf(bySha ? target : sha1hex(target));
  if (cached !== undefined) return cached ?? undefined;
  if (bySha) return undefined;
  try {
    return parseEvalShebang(target).flags ?? undefined;
  } catch {
    return undefined;
  }
}
