import type { CommandSpec } from '../commands/spec.js';

/** Receives each key in order; returning false stops the walk. */
export type KeyVisitor = (key: string) => boolean;

/**
 * The keys cluster routing looks at, as Redis 7.0's getNodeByQuery finds them
 * (getKeysFromCommand): the command's getkeys_proc when it has one, else the legacy
 * (firstkey, lastkey, keystep) range COMMAND INFO shows. This differs from the full key specs
 * (src/commands/key-extraction.ts) in corner cases Redis has (a bad numkeys gives no keys, SORT
 * finds only the last STORE, SPUBLISH's channel counts as a key), so routing keeps Redis's rules.
 * Visits keys without allocating: GET/SET reach the range loop with one key.
 */
export function routingKeys(spec: CommandSpec, argv: readonly string[], visit: KeyVisitor): void {
  const special = specialKeysOf(spec);
  if (special !== undefined) {
    special(argv, visit);
    return;
  }
  legacyRange(spec, argv, visit);
}

/** The command's getkeys proc when its keys differ from its legacy range, else undefined. */
export function specialKeysOf(spec: CommandSpec): ((argv: readonly string[], visit: KeyVisitor) => void) | undefined {
  return SPECIAL.get(spec.fullName);
}

/**
 * The argument index of the only key, for commands whose routing keys are exactly one fixed
 * position (GET, SET, INCR...: the routing fast path); 0 otherwise.
 */
export function singleKeyIndex(spec: CommandSpec): number {
  if (SPECIAL.has(spec.fullName)) return 0;
  return spec.firstKey > 0 && spec.lastKey === spec.firstKey ? spec.firstKey : 0;
}

/** getKeysUsingLegacyRangeSpec. */
function legacyRange(spec: CommandSpec, argv: readonly string[], visit: KeyVisitor): void {
  const first = spec.firstKey;
  if (first <= 0) return;
  const argc = argv.length;
  let last = spec.lastKey;
  if (last < 0) last = argc + last;
  const step = spec.keyStep > 0 ? spec.keyStep : 1;
  // Out-of-range positions (a variadic command with too few arguments): no keys at all, the
  // command reports its own error. Checked first, as Redis fills its result before using it.
  for (let j = first; j <= last; j += step) if (j >= argc) return;
  for (let j = first; j <= last; j += step) if (!visit(argv[j] as string)) return;
}

/** C's atoi: optional spaces and sign, then digits until the first non-digit; 0 if none. */
function atoi(text: string): number {
  let i = 0;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r' || text[i] === '\v' || text[i] === '\f')) i++;
  let sign = 1;
  if (text[i] === '-' || text[i] === '+') {
    if (text[i] === '-') sign = -1;
    i++;
  }
  let value = 0;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) break;
    value = value * 10 + (code - 48);
    if (value > 2 ** 31) break; // overflow in C is undefined; any huge count fails the bound below
  }
  return sign * value;
}

/** genericGetKeys: COMMAND [destkey] <numkeys> <key> ... (offsets into argv). */
function generic(storeOffset: number, countOffset: number, firstOffset: number) {
  return (argv: readonly string[], visit: KeyVisitor): void => {
    const num = atoi(argv[countOffset] ?? '');
    if (num < 1 || num > argv.length - firstOffset) return;
    for (let i = 0; i < num; i++) if (!visit(argv[firstOffset + i] as string)) return;
    if (storeOffset > 0) visit(argv[storeOffset] as string);
  };
}

function sortKeys(argv: readonly string[], visit: KeyVisitor): void {
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const arg = (argv[i] as string).toLowerCase();
    // Redis's loop tests the skip list in order and checks STORE inside it, so STORE is
    // recognised only when the argument is not LIMIT (the first entry): same result here.
    if (arg === 'limit') i += 2;
    else if (arg === 'get' || arg === 'by') i += 1;
    else if (arg === 'store' && i + 1 < argv.length) store = i + 1;
  }
  if (!visit(argv[1] as string)) return;
  if (store !== -1) visit(argv[store] as string);
}

function migrateKeys(argv: readonly string[], visit: KeyVisitor): void {
  let first = 3;
  let num = 1;
  if (argv.length > 6) {
    for (let i = 6; i < argv.length; i++) {
      const arg = (argv[i] as string).toLowerCase();
      if (arg === 'keys') {
        if ((argv[3] as string).length > 0) num = 0;
        else {
          first = i + 1;
          num = argv.length - first;
        }
        break;
      }
      if (arg === 'auth') i += 1;
      else if (arg === 'auth2') i += 2;
    }
  }
  for (let i = 0; i < num; i++) if (!visit(argv[first + i] as string)) return;
}

function georadiusKeys(argv: readonly string[], visit: KeyVisitor): void {
  let stored = -1;
  for (let i = 5; i < argv.length; i++) {
    const arg = (argv[i] as string).toLowerCase();
    if ((arg === 'store' || arg === 'storedist') && i + 1 < argv.length) {
      stored = i + 1;
      i++;
    }
  }
  if (!visit(argv[1] as string)) return;
  if (stored !== -1) visit(argv[stored] as string);
}

function xreadKeys(argv: readonly string[], visit: KeyVisitor): void {
  let streams = -1;
  for (let i = 1; i < argv.length; i++) {
    const arg = (argv[i] as string).toLowerCase();
    if (arg === 'block' || arg === 'count') i++;
    else if (arg === 'group') i += 2;
    else if (arg === 'noack') continue;
    else {
      if (arg === 'streams') streams = i;
      break;
    }
  }
  if (streams === -1) return;
  const args = argv.length - streams - 1;
  if (args === 0 || args % 2 !== 0) return;
  const num = args / 2;
  for (let i = 0; i < num; i++) if (!visit(argv[streams + 1 + i] as string)) return;
}

/** Commands with a getkeys_proc in Redis 7.0 whose keys differ from their legacy range. */
const SPECIAL = new Map<string, (argv: readonly string[], visit: KeyVisitor) => void>([
  ['migrate', migrateKeys],
  ['sort', sortKeys],
  ['georadius', georadiusKeys],
  ['georadiusbymember', georadiusKeys],
  ['blmpop', generic(0, 2, 3)],
  ['lmpop', generic(0, 1, 2)],
  ['bzmpop', generic(0, 2, 3)],
  ['zmpop', generic(0, 1, 2)],
  ['eval', generic(0, 2, 3)],
  ['evalsha', generic(0, 2, 3)],
  ['eval_ro', generic(0, 2, 3)],
  ['evalsha_ro', generic(0, 2, 3)],
  ['fcall', generic(0, 2, 3)],
  ['fcall_ro', generic(0, 2, 3)],
  ['sintercard', generic(0, 1, 2)],
  ['zdiff', generic(0, 1, 2)],
  ['zinter', generic(0, 1, 2)],
  ['zintercard', generic(0, 1, 2)],
  ['zunion', generic(0, 1, 2)],
  ['zdiffstore', generic(1, 2, 3)],
  ['zinterstore', generic(1, 2, 3)],
  ['zunionstore', generic(1, 2, 3)],
  ['xread', xreadKeys],
  ['xreadgroup', xreadKeys],
]);
