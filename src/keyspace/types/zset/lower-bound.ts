/**
 * First index whose (score, member) is >= the given pair, in parallel arrays sorted like Redis
 * orders a sorted set: by score, then by member bytes (latin1 strings compare by byte).
 */
export function lowerBound(members: readonly string[], scores: readonly number[], score: number, member: string): number {
  let lo = 0;
  let hi = scores.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const s = scores[mid] as number;
    if (s < score || (s === score && (members[mid] as string) < member)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
