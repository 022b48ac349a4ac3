/** One class of client-output-buffer-limit: hard bytes, soft bytes, soft seconds (0 = none). */
export interface OutputLimit {
  hardBytes: number;
  softBytes: number;
  softSeconds: number;
}

/**
 * Reads the `pubsub` class (or another) out of client-output-buffer-limit as CONFIG GET prints
 * it: "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60".
 */
export function outputLimitFor(configValue: string, clientClass: 'normal' | 'slave' | 'pubsub'): OutputLimit {
  const words = configValue.split(/\s+/);
  for (let i = 0; i + 3 < words.length; i += 4) {
    if (words[i] === clientClass) {
      return { hardBytes: Number(words[i + 1]), softBytes: Number(words[i + 2]), softSeconds: Number(words[i + 3]) };
    }
  }
  return { hardBytes: 0, softBytes: 0, softSeconds: 0 };
}

/**
 * Redis's checkClientOutputBufferLimits: over the hard limit, or over the soft limit for longer
 * than softSeconds, the client must be closed. `overSoftSinceMs` is the client's own record.
 */
export function overOutputLimit(limit: OutputLimit, pendingBytes: number, nowMs: number, state: { overSoftSinceMs: number }): boolean {
  if (limit.hardBytes > 0 && pendingBytes >= limit.hardBytes) return true;
  if (limit.softBytes > 0 && pendingBytes >= limit.softBytes) {
    if (state.overSoftSinceMs === 0) state.overSoftSinceMs = nowMs;
    return nowMs - state.overSoftSinceMs >= limit.softSeconds * 1000;
  }
  state.overSoftSinceMs = 0;
  return false;
}
