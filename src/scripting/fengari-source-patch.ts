import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, sep } from 'node:path';

const require = createRequire(import.meta.url);

/** The CommonJS loader's per-extension hooks (node:module's Module, untyped in @types/node). */
interface ModuleInternals {
  _extensions: Record<string, (module: CompilingModule, filename: string) => void>;
}
interface CompilingModule {
  _compile(source: string, filename: string): void;
}

interface SourcePatch {
  /** fengari/src file name; undefined: every file. */
  file?: string;
  pattern: RegExp;
  replacement: string;
}

/**
 * Speed fixes to fengari 0.1.5's source, same behaviour (docs/lua-vm.md "Performance"):
 *
 * - Stack pops: fengari pops with `delete L.stack[--L.top]` (lapi, ldo, lvm: every pop, every
 *   call's return). V8 runs `delete` on an array element as a slow runtime call (~35 ns,
 *   against ~1 ns for a store), and a script run pops dozens of times. Storing undefined reads
 *   the same: a slot above the top is written before it is read again, and nothing tests
 *   `in` or own properties on the stack.
 * - New table keys: ltable's add() empties the table's (nearly always empty) map of dead keys
 *   on every insertion, and Map.prototype.clear allocates a fresh backing store even when the
 *   map is empty (~65 ns and garbage per new key). Clearing only a non-empty map is the same.
 * - Call frames: fengari allocated a CallInfo for every function call and dropped it on
 *   return (`L.ci.next = null`); C Lua keeps the list and reuses the next one (its `next_ci`).
 *   Now as C Lua: precall sets every field a call reads, a continuation (c_k) is only read
 *   after a yield that set it. The engine trims a thread's list after each run
 *   (trimCallInfos), so a deep recursion does not keep its frames.
 * - New tables: each one made a second Map for its dead keys (kept so `next` can go on from a
 *   key removed during a traversal). Tables now share one empty map until a key dies; only
 *   mark_dead writes to it, and it replaces the shared one by the table's own map first.
 * - Empty tables: likewise every table shares one empty map of keys until its first key (add()
 *   is the only writer; mark_dead deletes only a key it found). An EVALSHA without arguments
 *   made an ARGV table, and its map, for nothing (~200 of the ~2,000 bytes an EVALSHA allocated).
 */
const PATCHES: readonly SourcePatch[] = [
  { pattern: /\bdelete ((?:L|from)\.stack\[[^\]]+\]);/g, replacement: '$1 = undefined;' },
  { file: 'lstate.js', pattern: /^const luaE_extendCI = function\(L\) \{\n/m, replacement: 'const luaE_extendCI = function(L) {\n    if (L.ci.next !== null) return (L.ci = L.ci.next);\n' },
  { file: 'ldo.js', pattern: /^(\s*)L\.ci\.next = null;\n/m, replacement: '' },
  { file: 'lvm.js', pattern: /^(\s*)oci\.next = null;\n/m, replacement: '' },
  { file: 'ltable.js', pattern: /^(\s*)t\.dead_strong\.clear\(\);/m, replacement: '$1if (t.dead_strong.size !== 0) t.dead_strong.clear();' },
  { file: 'ltable.js', pattern: /^(\s*)this\.dead_strong = new Map\(\);/m, replacement: '$1this.dead_strong = NO_DEAD_KEYS;' },
  { file: 'ltable.js', pattern: /^(\s*)t\.dead_strong\.set\(hash, e\);/m, replacement: '$1if (t.dead_strong === NO_DEAD_KEYS) t.dead_strong = new Map();\n$1t.dead_strong.set(hash, e);' },
  { file: 'ltable.js', pattern: /^class Table \{/m, replacement: '/* shared by tables with no dead key, and by tables with no key: never written */\nconst NO_DEAD_KEYS = new Map();\nconst NO_KEYS = new Map();\n\nclass Table {' },
  { file: 'ltable.js', pattern: /^(\s*)this\.strong = new Map\(\);/m, replacement: '$1this.strong = NO_KEYS;' },
  { file: 'ltable.js', pattern: /^(\s*)t\.strong\.set\(hash, entry\);/m, replacement: '$1if (t.strong === NO_KEYS) t.strong = new Map();\n$1t.strong.set(hash, entry);' },
];

/**
 * The file's patches for every file, then its own ones: those go together (ltable's shared
 * empty maps are only safe with all their edits), so if one does not match, none is applied.
 */
function patchSource(file: string, original: string): string {
  let source = original;
  for (const patch of PATCHES) if (patch.file === undefined) source = source.replace(patch.pattern, patch.replacement);
  let own = source;
  for (const patch of PATCHES) {
    if (patch.file !== file) continue;
    const next = own.replace(patch.pattern, patch.replacement);
    if (next === own) return source;
    own = next;
  }
  return own;
}

/**
 * Runs `load` (which requires fengari's modules) with fengari's own source files compiled
 * through PATCHES. Only files under fengari/src are touched, and only during `load`; a
 * pattern that no longer matches (another fengari version) just leaves that file as it is.
 */
/** Keeps at most this many spare call frames on a thread after a run (trimCallInfos). */
const SPARE_CALL_INFOS = 16;

interface CallInfoChain {
  next: CallInfoChain | null;
}

/** Drops the spare call frames of a thread beyond the first few (after a run, when idle). */
export function trimCallInfos(L: unknown): void {
  let ci = (L as { ci: CallInfoChain }).ci;
  for (let i = 0; i < SPARE_CALL_INFOS && ci.next !== null; i++) ci = ci.next;
  ci.next = null;
}

export function withSourcePatches<T>(load: () => T): T {
  const fengariDir = dirname(require.resolve('fengari/src/fengari.js')) + sep;
  const extensions = (require('node:module') as ModuleInternals)._extensions;
  const original = extensions['.js'];
  if (original === undefined) return load();
  extensions['.js'] = (module, filename) => {
    if (!filename.startsWith(fengariDir)) {
      original(module, filename);
      return;
    }
    module._compile(patchSource(basename(filename), readFileSync(filename, 'utf8')), filename);
  };
  try {
    return load();
  } finally {
    extensions['.js'] = original;
  }
}
