import type { CommandSpec, KeySpec } from './spec.js';

/**
 * Positions of the keys in argv, from the command's key specs (Redis's getKeysUsingKeySpecs).
 * Routing, CROSSSLOT checks, COMMAND GETKEYS and replica read-only rules all use this; no
 * handler works key positions out by itself. Returns null when the arguments are malformed
 * (a bad numkeys), which the command's own parsing will report.
 */
export function keyPositions(spec: CommandSpec, argv: readonly string[]): number[] | null {
  const positions: number[] = [];
  const argc = argv.length;
  for (const keySpec of spec.keySpecs) {
    const first = beginIndex(keySpec, argv);
    if (first === null) continue;
    const found = findKeys(keySpec, argv, first, argc);
    if (found === null) return null;
    for (const position of found) if (!positions.includes(position)) positions.push(position);
  }
  return positions;
}

function beginIndex(keySpec: KeySpec, argv: readonly string[]): number | null {
  const begin = keySpec.beginSearch;
  if (begin.type === 'index') return begin.index;
  if (begin.type === 'keyword') {
    const argc = argv.length;
    const keyword = begin.keyword.toLowerCase();
    // startfrom >= 0 searches forward from that index; < 0 backward from argc + startfrom.
    if (begin.startFrom >= 0) {
      for (let i = begin.startFrom; i < argc; i++) if ((argv[i] as string).toLowerCase() === keyword) return i + 1;
    } else {
      for (let i = argc + begin.startFrom; i > 0; i--) if ((argv[i] as string).toLowerCase() === keyword) return i + 1;
    }
    return null;
  }
  return null;
}

function findKeys(keySpec: KeySpec, argv: readonly string[], first: number, argc: number): number[] | null {
  const find = keySpec.findKeys;
  const out: number[] = [];
  if (find.type === 'range') {
    let last: number;
    if (find.lastKey >= 0) last = first + find.lastKey;
    else if (find.limit === 0) last = argc + find.lastKey;
    else last = first + Math.floor((argc - first) / find.limit) + find.lastKey;
    const step = Math.max(1, find.keyStep);
    for (let i = first; i <= last && i < argc; i += step) out.push(i);
    return out;
  }
  if (find.type === 'keynum') {
    const numKeysIndex = first + find.keyNumIndex;
    const text = argv[numKeysIndex];
    if (text === undefined || !/^-?\d+$/.test(text)) return null;
    const numKeys = Number(text);
    if (numKeys < 0) return null;
    const start = first + find.firstKey;
    const step = Math.max(1, find.keyStep);
    const last = start + (numKeys - 1) * step;
    if (last >= argc) return null;
    for (let i = start; i <= last; i += step) out.push(i);
    return out;
  }
  return out;
}
