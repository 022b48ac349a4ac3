/**
 * Glob matching with exactly the rules of Redis 7.0's stringmatchlen (util.c): `*`, `?`,
 * `[abc]`, `[^abc]`, `[a-z]` (reversed ranges allowed), `\x` matches x literally. Works on
 * latin1 strings (one char per byte). Used by KEYS, SCAN MATCH, CONFIG GET, PSUBSCRIBE and
 * CLIENT KILL. The C code's corners are kept on purpose, because clients can see them:
 * - the empty string matches only the empty pattern (`*` does not match ""; KEYS and SCAN
 *   special-case a lone `*`);
 * - an unterminated class (`[abc`) still matches one char from its members, and `[^` matches
 *   any one char;
 * - inside a class, `\x` is compared case-sensitively even in nocase mode;
 * - range bounds and the tested byte are C `char`s, signed on x86-64: bytes >= 0x80 sort below
 *   0x00 in ranges (`[a-\xff]` is the range [-1, 97]); nocase folds after the bounds are swapped.
 *
 * Redis matches recursively and, since 7.0.10, stops as soon as a `*` failed to match the rest
 * from every position (skipLongerMatches). With that rule only the last `*` seen can ever be
 * retried, so this is the equivalent loop: remember the last star, and on a failure retry the
 * text after it one byte further. O(pattern × text) at worst, no recursion.
 */
export function globMatch(pattern: string, text: string, noCase = false): boolean {
  const plen = pattern.length;
  const slen = text.length;
  let pi = 0;
  let si = 0;
  /** Pattern index just after the last `*` met, and where in the text its retry starts. */
  let starPi = -1;
  let starSi = 0;
  for (;;) {
    const step = matchRun(pattern, pi, text, si, noCase);
    if (step.kind === RunEnd.Matched) return true;
    if (step.kind === RunEnd.Star) {
      if (step.pi === plen - 1) return true; // a trailing star matches the rest
      starPi = step.pi + 1;
      starSi = step.si;
      pi = starPi;
      si = starSi;
      continue;
    }
    // A plain mismatch: the last star (if any) takes one more byte, while text remains.
    if (starPi < 0) return false;
    starSi++;
    if (starSi >= slen) return false;
    pi = starPi;
    si = starSi;
  }
}

const enum RunEnd {
  Matched,
  Failed,
  /** Stopped on a `*` (after collapsing a run of them) at `pi`, with text left at `si`. */
  Star,
}

interface RunResult {
  kind: RunEnd;
  pi: number;
  si: number;
}

const FAILED: RunResult = { kind: RunEnd.Failed, pi: 0, si: 0 };
const MATCHED: RunResult = { kind: RunEnd.Matched, pi: 0, si: 0 };

/** C's signed char view of a byte (x86-64), as the range test in stringmatchlen sees it. */
function signedByte(code: number): number {
  return code >= 128 ? code - 256 : code;
}

/** C tolower in the C locale: only A-Z change; NaN (past the end) stays NaN. */
function lower(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

/**
 * One pass of stringmatchlen_impl's loop from (pi, si) until it matches, fails, or meets a star.
 * Reads past the end give NaN, which, like the C string's NUL terminator here, equals nothing
 * the code compares it with.
 */
function matchRun(p: string, pi: number, s: string, si: number, noCase: boolean): RunResult {
  const plen = p.length;
  const slen = s.length;
  while (pi < plen && si < slen) {
    const pc = p.charCodeAt(pi);
    if (pc === 42 /* * */) {
      while (pi < plen && p.charCodeAt(pi + 1) === 42) pi++;
      return { kind: RunEnd.Star, pi, si };
    } else if (pc === 63 /* ? */) {
      si++;
    } else if (pc === 91 /* [ */) {
      pi++;
      const negate = p.charCodeAt(pi) === 94; /* ^ */
      if (negate) pi++;
      let matched = false;
      const sc = s.charCodeAt(si);
      for (;;) {
        const cc = p.charCodeAt(pi);
        if (cc === 92 /* \ */ && plen - pi >= 2) {
          pi++;
          if (p.charCodeAt(pi) === sc) matched = true;
        } else if (cc === 93 /* ] */) {
          break;
        } else if (pi >= plen) {
          pi--; // unterminated class: step back so the shared pi++ below ends the pattern
          break;
        } else if (plen - pi >= 3 && p.charCodeAt(pi + 1) === 45 /* - */) {
          let start = signedByte(cc);
          let end = signedByte(p.charCodeAt(pi + 2));
          let c = signedByte(sc);
          if (start > end) [start, end] = [end, start];
          if (noCase) {
            start = lower(start);
            end = lower(end);
            c = lower(c);
          }
          pi += 2;
          if (c >= start && c <= end) matched = true;
        } else if (noCase ? lower(cc) === lower(sc) : cc === sc) {
          matched = true;
        }
        pi++;
      }
      if (negate) matched = !matched;
      if (!matched) return FAILED;
      si++;
    } else {
      if (pc === 92 /* \ */ && plen - pi >= 2) pi++;
      const lc = p.charCodeAt(pi);
      const sc = s.charCodeAt(si);
      if (noCase ? lower(lc) !== lower(sc) : lc !== sc) return FAILED;
      si++;
    }
    pi++;
    if (si === slen) {
      while (p.charCodeAt(pi) === 42) pi++;
      break;
    }
  }
  return pi === plen && si === slen ? MATCHED : FAILED;
}
