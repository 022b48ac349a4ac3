/**
 * Glob matching with Redis's rules (stringmatchlen): `*`, `?`, `[abc]`, `[^abc]`, `[a-z]`
 * (reversed ranges allowed), and `\x` to match x literally. Works on latin1 strings.
 * Used by KEYS, SCAN MATCH, CONFIG GET, PSUBSCRIBE and CLIENT KILL.
 */
export function globMatch(pattern: string, text: string, noCase = false): boolean {
  return matchFrom(pattern, 0, text, 0, noCase, 0) === Match.Yes;
}

const enum Match {
  No,
  Yes,
  /** A `*` further left can never make this match: stop backtracking (Redis's skipLongerMatches). */
  Never,
}

/** Redis caps recursion (stringmatchlen_impl nesting) to keep `***...` patterns cheap. */
const MAX_NESTING = 1000;

function fold(code: number, noCase: boolean): number {
  return noCase && code >= 65 && code <= 90 ? code + 32 : code;
}

function matchFrom(p: string, pi: number, s: string, si: number, noCase: boolean, nesting: number): Match {
  if (nesting > MAX_NESTING) return Match.Never;
  const plen = p.length;
  const slen = s.length;
  // Like stringmatchlen, trailing stars are skipped only once the loop consumed the string, so
  // an empty string matches no pattern but the empty one (KEYS/SCAN special-case a lone "*").
  const loopRuns = pi < plen && si < slen;
  while (pi < plen && si < slen) {
    const pc = p.charCodeAt(pi);
    if (pc === 42 /* * */) {
      while (pi + 1 < plen && p.charCodeAt(pi + 1) === 42) pi++;
      if (pi + 1 === plen) return Match.Yes;
      for (let start = si; start < slen; start++) {
        const result = matchFrom(p, pi + 1, s, start, noCase, nesting + 1);
        if (result !== Match.No) return result;
      }
      return Match.Never;
    } else if (pc === 63 /* ? */) {
      si++;
    } else if (pc === 91 /* [ */) {
      pi++;
      const negate = p.charCodeAt(pi) === 94; /* ^ */
      if (negate) pi++;
      let matched = false;
      const c = fold(s.charCodeAt(si), noCase);
      while (true) {
        if (pi >= plen) {
          pi--; // unterminated class: Redis steps back so the loop ends on the last char
          break;
        }
        const cc = p.charCodeAt(pi);
        if (cc === 92 /* \ */ && pi + 1 < plen) {
          pi++;
          if (p.charCodeAt(pi) === s.charCodeAt(si)) matched = true;
        } else if (cc === 93 /* ] */) {
          break;
        } else if (pi + 2 < plen && p.charCodeAt(pi + 1) === 45 /* - */) {
          let start = fold(cc, noCase);
          let end = fold(p.charCodeAt(pi + 2), noCase);
          if (start > end) [start, end] = [end, start];
          pi += 2;
          if (c >= start && c <= end) matched = true;
        } else if (fold(cc, noCase) === c) {
          matched = true;
        }
        pi++;
      }
      if (negate) matched = !matched;
      if (!matched) return Match.No;
      si++;
    } else {
      if (pc === 92 /* \ */ && pi + 1 < plen) pi++;
      if (fold(p.charCodeAt(pi), noCase) !== fold(s.charCodeAt(si), noCase)) return Match.No;
      si++;
    }
    pi++;
  }
  if (si === slen && loopRuns) while (pi < plen && p.charCodeAt(pi) === 42) pi++;
  return pi === plen && si === slen ? Match.Yes : Match.No;
}
