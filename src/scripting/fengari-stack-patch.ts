import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';

const require = createRequire(import.meta.url);

/** The CommonJS loader's per-extension hooks (node:module's Module, untyped in @types/node). */
interface ModuleInternals {
  _extensions: Record<string, (module: CompilingModule, filename: string) => void>;
}
interface CompilingModule {
  _compile(source: string, filename: string): void;
}

/** `delete L.stack[i]` in fengari: the slot above the top, cleared when the stack shrinks. */
const STACK_DELETE = /\bdelete ((?:L|from)\.stack\[[^\]]+\]);/g;

/**
 * fengari pops its stack with `delete L.stack[--L.top]` (lapi, ldo, lvm: every pop, every
 * call's return): V8 runs each `delete` on an array as a slow runtime call (~35 ns, against
 * ~1 ns for a store), and a script run pops a few dozen times. Storing undefined instead reads
 * the same (a slot above the top is never read before it is written; nothing tests `in`), so
 * fengari's files are compiled with that change while `load` requires them. Only fengari's
 * own source files are touched, and only during `load`.
 */
export function withStackStores<T>(load: () => T): T {
  const fengariDir = dirname(require.resolve('fengari/src/fengari.js')) + sep;
  const extensions = (require('node:module') as ModuleInternals)._extensions;
  const original = extensions['.js'];
  if (original === undefined) return load();
  extensions['.js'] = (module, filename) => {
    if (!filename.startsWith(fengariDir)) {
      original(module, filename);
      return;
    }
    module._compile(readFileSync(filename, 'utf8').replace(STACK_DELETE, '$1 = undefined;'), filename);
  };
  try {
    return load();
  } finally {
    extensions['.js'] = original;
  }
}
