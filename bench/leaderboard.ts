import { LEADERBOARD_KEY, randIntText } from './plan.js';
import { PipelineClient } from './pipeline-client.js';

/** Members per ZADD when filling the leaderboard. */
const MEMBERS_PER_COMMAND = 500;

/**
 * ZADD commands that put `members` members `m:<12 digits>` (the names redis-benchmark's
 * `m:__rand_int__` produces with -r members) with score 0 into the leaderboard, so ZINCRBY
 * updates existing members rather than growing the set, and ZREVRANGE reads a full one.
 */
export function leaderboardCommands(members: number): string[][] {
  const commands: string[][] = [];
  for (let start = 0; start < members; start += MEMBERS_PER_COMMAND) {
    const command = ['ZADD', LEADERBOARD_KEY];
    for (let i = start; i < Math.min(members, start + MEMBERS_PER_COMMAND); i++) command.push('0', `m:${randIntText(i)}`);
    commands.push(command);
  }
  return commands;
}

/** Fills the leaderboard on one server and checks ZCARD. */
export async function fillLeaderboard(port: number, members: number): Promise<void> {
  const client = await PipelineClient.connect(port);
  try {
    const replies = await client.batch(leaderboardCommands(members));
    const bad = replies.find((reply) => reply.type !== 'integer');
    if (bad !== undefined) throw new Error(`ZADD while filling the leaderboard: ${JSON.stringify(bad)}`);
    const card = await client.call('ZCARD', LEADERBOARD_KEY);
    if (card.type !== 'integer' || card.value !== BigInt(members)) throw new Error(`leaderboard has ${JSON.stringify(card, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))} members, expected ${members}`);
  } finally {
    client.close();
  }
}
