import type { CommandContext } from '../context.js';
import { containerCursor, parseContainerScanOptions, parseScanCursor, type ContainerScanOptions } from '../scan-args.js';

/**
 * HSCAN/SSCAN's shared flow, in Redis's order: the cursor is checked first, a missing key is an
 * empty scan, options are parsed only for an existing container; `walk` appends what one step
 * returns to `out` and gives the next cursor (0 when done, and for a compact encoding returned
 * whole).
 */
export function containerScanCommand<T>(
  read: (ctx: CommandContext, key: string) => T | undefined,
  walk: (container: T, cursor: number, options: ContainerScanOptions, out: string[]) => number,
): (ctx: CommandContext, argv: string[]) => void {
  return (ctx, argv) => {
    const cursor = parseScanCursor(argv[2] as string);
    const container = read(ctx, argv[1] as string);
    const reply = ctx.reply;
    if (container === undefined) {
      reply.array(2);
      reply.bulk('0');
      reply.array(0);
      return;
    }
    const options = parseContainerScanOptions(argv, 3);
    const out: string[] = [];
    const next = walk(container, containerCursor(cursor), options, out);
    reply.array(2);
    reply.bulk(String(next));
    reply.bulkArray(out);
  };
}
