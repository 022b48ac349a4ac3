import { Errors, ReplyError } from '../../lib/errors.js';
import { parseInt64 } from '../parse.js';

/**
 * Redis's parseExtendedStringArgumentsOrReply for SET and GETEX: NX XX GET KEEPTTL PERSIST and
 * one of EX PX EXAT PXAT. The conflict rules are Redis's exactly: an option that conflicts with
 * one seen before is a syntax error, the same option twice is allowed (the last one wins).
 */
export const StringFlag = {
  Nx: 1 << 0,
  Xx: 1 << 1,
  Ex: 1 << 2,
  Px: 1 << 3,
  KeepTtl: 1 << 4,
  Get: 1 << 5,
  ExAt: 1 << 6,
  PxAt: 1 << 7,
  Persist: 1 << 8,
} as const;

const ANY_EXPIRE = StringFlag.Ex | StringFlag.Px | StringFlag.ExAt | StringFlag.PxAt;

const EXPIRE_FLAGS = new Map<string, number>([
  ['ex', StringFlag.Ex],
  ['px', StringFlag.Px],
  ['exat', StringFlag.ExAt],
  ['pxat', StringFlag.PxAt],
]);

export interface StringOptions {
  flags: number;
  /** The EX/PX/EXAT/PXAT argument as sent, when one was given. */
  expire: string | undefined;
}

/** Parses options from argv[firstIndex]; `forSet` selects SET's options, else GETEX's. */
export function parseStringOptions(argv: readonly string[], firstIndex: number, forSet: boolean): StringOptions {
  let flags = 0;
  let expire: string | undefined;
  for (let j = firstIndex; j < argv.length; j++) {
    const opt = (argv[j] as string).toLowerCase();
    if (opt === 'nx' && forSet && !(flags & StringFlag.Xx)) flags |= StringFlag.Nx;
    else if (opt === 'xx' && forSet && !(flags & StringFlag.Nx)) flags |= StringFlag.Xx;
    else if (opt === 'get' && forSet) flags |= StringFlag.Get;
    else if (opt === 'keepttl' && forSet && !(flags & (StringFlag.Persist | ANY_EXPIRE))) flags |= StringFlag.KeepTtl;
    else if (opt === 'persist' && !forSet && !(flags & (ANY_EXPIRE | StringFlag.KeepTtl))) flags |= StringFlag.Persist;
    else {
      const expireFlag = EXPIRE_FLAGS.get(opt);
      if (expireFlag === undefined || j + 1 >= argv.length) throw new ReplyError(Errors.syntax);
      // The same unit twice is allowed (the last wins); any other expiry option conflicts.
      const conflicts = StringFlag.KeepTtl | StringFlag.Persist | (ANY_EXPIRE & ~expireFlag);
      if (flags & conflicts) throw new ReplyError(Errors.syntax);
      flags |= expireFlag;
      expire = argv[++j];
    }
  }
  return { flags, expire };
}

const INT64_MAX = 9223372036854775807n;

/**
 * The absolute expiry in ms for an EX/PX/EXAT/PXAT argument, with Redis's checks: not positive,
 * or overflowing 64 bits once scaled or made absolute, is "invalid expire time in '<cmd>'".
 */
export function expireAtMsFromOption(flags: number, text: string, nowMs: number, commandName: string): number {
  let ms = parseInt64(text);
  const seconds = (flags & (StringFlag.Ex | StringFlag.ExAt)) !== 0;
  if (ms <= 0n || (seconds && ms > INT64_MAX / 1000n)) throw new ReplyError(Errors.invalidExpireTime(commandName));
  if (seconds) ms *= 1000n;
  if (flags & (StringFlag.Ex | StringFlag.Px)) ms += BigInt(nowMs);
  if (ms > INT64_MAX) throw new ReplyError(Errors.invalidExpireTime(commandName));
  return Number(ms);
}
