import type { SortedSet } from './sorted-set.js';
import { parseRangeDouble } from './strtod.js';

/** A score interval as zslParseRange reads it ("(1" is exclusive). */
export interface ScoreRange {
  min: number;
  max: number;
  minExclusive: boolean;
  maxExclusive: boolean;
}

/** One end of a lex interval: '-' and '+' are the infinite ends. */
export type LexBound = { kind: 'min' } | { kind: 'max' } | { kind: 'value'; value: string; exclusive: boolean };

export interface LexRange {
  min: LexBound;
  max: LexBound;
}

function parseScoreBound(text: string): { value: number; exclusive: boolean } | null {
  const exclusive = text.charCodeAt(0) === 40; // '('
  const value = parseRangeDouble(exclusive ? text.slice(1) : text);
  return value === null ? null : { value, exclusive };
}

/** Redis's zslParseRange; null means "min or max is not a float". */
export function parseScoreRange(minText: string, maxText: string): ScoreRange | null {
  const min = parseScoreBound(minText);
  const max = parseScoreBound(maxText);
  if (min === null || max === null) return null;
  return { min: min.value, minExclusive: min.exclusive, max: max.value, maxExclusive: max.exclusive };
}

/** Redis's zslParseLexRangeItem; a NUL after '+'/'-' ends the C string there. */
function parseLexBound(text: string): LexBound | null {
  const first = text[0];
  const bare = text.length === 1 || text.charCodeAt(1) === 0;
  if (first === '+') return bare ? { kind: 'max' } : null;
  if (first === '-') return bare ? { kind: 'min' } : null;
  if (first === '(') return { kind: 'value', value: text.slice(1), exclusive: true };
  if (first === '[') return { kind: 'value', value: text.slice(1), exclusive: false };
  return null;
}

/** Redis's zslParseLexRange; null means "min or max not valid string range item". */
export function parseLexRange(minText: string, maxText: string): LexRange | null {
  const min = parseLexBound(minText);
  const max = parseLexBound(maxText);
  if (min === null || max === null) return null;
  return { min, max };
}

/** zslIsInRange's emptiness test. */
function scoreRangeEmpty(range: ScoreRange): boolean {
  return range.min > range.max || (range.min === range.max && (range.minExclusive || range.maxExclusive));
}

function lexRangeEmpty(range: LexRange): boolean {
  const { min, max } = range;
  if (min.kind === 'max' || max.kind === 'min') return true;
  if (min.kind === 'min' || max.kind === 'max') return false;
  if (min.value > max.value) return true;
  return min.value === max.value && (min.exclusive || max.exclusive);
}

/** [start, end) ranks of the elements inside a score range. */
export function scoreRangeRanks(zset: SortedSet, range: ScoreRange): [number, number] {
  if (scoreRangeEmpty(range)) return [0, 0];
  const { min, max, minExclusive, maxExclusive } = range;
  const start = zset.countBefore(minExclusive ? (s) => s > min : (s) => s >= min);
  const end = zset.countBefore(maxExclusive ? (s) => s >= max : (s) => s > max);
  return end > start ? [start, end] : [start, start];
}

/** [start, end) ranks of the elements inside a lex range (members ordered as the scores tie). */
export function lexRangeRanks(zset: SortedSet, range: LexRange): [number, number] {
  if (lexRangeEmpty(range)) return [0, 0];
  const { min, max } = range;
  const start = min.kind === 'min' ? 0 : min.kind === 'max' ? zset.size : zset.countBefore(min.exclusive ? (_s, m) => m > min.value : (_s, m) => m >= min.value);
  const end = max.kind === 'max' ? zset.size : max.kind === 'min' ? 0 : zset.countBefore(max.exclusive ? (_s, m) => m >= max.value : (_s, m) => m > max.value);
  return end > start ? [start, end] : [start, start];
}
