#!/usr/bin/env node
// Builds the optional native modules (native/: external strings for large arguments,
// docs/external-strings.md; batched client socket I/O, docs/native-io.md) with node-gyp. Run by
// `npm ci` / `npm install` (postinstall). A machine that cannot build them (no compiler, no Node
// headers) still gets a working node: Tessera then keeps large arguments on the V8 heap and
// reads clients through Node's sockets. So a failed build warns and exits 0.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'native');

function nodeGypScript() {
  // npm tells its scripts where its bundled node-gyp is; otherwise look beside npm.
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  const besideNpm = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(besideNpm)) return besideNpm;
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return undefined;
  }
}

const script = nodeGypScript();
if (script === undefined) {
  console.warn("tessera: node-gyp not found; the native modules are not built (large arguments stay on the V8 heap, clients use Node's sockets)");
  process.exit(0);
}
const args = [script, 'rebuild'];
// Node's own headers, when installed with it (no download needed): under its configured prefix,
// or beside its binary (Debian's node says prefix '/' and has them in /usr/include/node).
if (!process.env.npm_config_nodedir) {
  const prefixes = [process.config.variables.node_prefix, join(dirname(process.execPath), '..')];
  const nodedir = prefixes.find((prefix) => typeof prefix === 'string' && existsSync(join(prefix, 'include', 'node', 'node.h')));
  if (nodedir !== undefined) args.push(`--nodedir=${nodedir}`);
}
const result = spawnSync(process.execPath, args, { cwd: nativeDir, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
if (result.status !== 0) {
  console.warn(`tessera: building the native modules failed (large arguments stay on the V8 heap, clients use Node's sockets):\n${(result.stderr ?? '').slice(-2000)}`);
  process.exit(0);
}
console.log('tessera: native modules built (native/build/Release/tessera_strings.node, tessera_io.node)');
