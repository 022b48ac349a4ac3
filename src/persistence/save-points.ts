/** One `save <seconds> <changes>` point. */
export interface SavePoint {
  readonly seconds: number;
  readonly changes: number;
}

/** The `save` directive's value as CONFIG GET prints it ("3600 1 300 100", or "" for none). */
export function parseSavePoints(value: string): SavePoint[] {
  const words = value.split(' ').filter((word) => word !== '');
  const points: SavePoint[] = [];
  for (let i = 0; i + 1 < words.length; i += 2) points.push({ seconds: Number(words[i]), changes: Number(words[i + 1]) });
  return points;
}

/**
 * The first point reached, as Redis's serverCron checks them: at least `changes` changes and
 * strictly more than `seconds` seconds since the last successful save.
 */
export function savePointDue(points: readonly SavePoint[], dirty: number, secondsSinceSave: number): SavePoint | undefined {
  for (const point of points) if (dirty >= point.changes && secondsSinceSave > point.seconds) return point;
  return undefined;
}
