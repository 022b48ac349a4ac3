import { createRequire } from 'node:module';

/**
 * Loads one of the optional native modules built by `npm ci` (scripts/build-native.mjs) from
 * native/build/Release; undefined when it was not built or `disableVariable` is 'off'.
 */
export function loadNativeModule<T>(fileName: string, disableVariable: string): T | undefined {
  if (process.env[disableVariable] === 'off') return undefined;
  try {
    // dist/src/lib/ → the project root's native/build (built in place by npm ci).
    return createRequire(import.meta.url)(`../../../native/build/Release/${fileName}`) as T;
  } catch {
    return undefined;
  }
}
