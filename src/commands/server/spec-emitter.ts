import type { ReplyWriter } from '../../resp/reply-writer.js';
import type { SpecTree } from '../spec-tree.js';

/**
 * Writes a spec tree (generated/redis-commands.json) as a reply. The tree keeps Redis's RESP3
 * types, so sets and maps come out as RESP3 sets and maps, or flat arrays in RESP2, exactly as
 * Redis's addReplySetLen/addReplyMapLen do.
 */
export function writeSpecTree(reply: ReplyWriter, tree: SpecTree): void {
  if (typeof tree === 'string') reply.bulk(tree);
  else if (typeof tree === 'number') reply.integer(tree);
  else if (tree === null) reply.null();
  else if (Array.isArray(tree)) {
    reply.array(tree.length);
    for (const item of tree) writeSpecTree(reply, item);
  } else if ('s' in tree) reply.simple(tree.s);
  else if ('set' in tree) {
    reply.set(tree.set.length);
    for (const item of tree.set) writeSpecTree(reply, item);
  } else {
    reply.map(tree.map.length);
    for (const [key, value] of tree.map) {
      writeSpecTree(reply, key);
      writeSpecTree(reply, value);
    }
  }
}

/** Status lines (HELP replies), as Redis's addReplyHelp writes them. */
export function writeHelp(reply: ReplyWriter, lines: readonly string[]): void {
  reply.array(lines.length);
  for (const line of lines) reply.simple(line);
}
