/** Bounds of the request parser; each one is a Redis directive or constant. */
export interface RequestLimits {
  /** proto-max-bulk-len: the longest bulk string a client may send. */
  maxBulkLenBytes: number;
  /** client-query-buffer-limit: unparsed bytes a client may leave buffered. */
  maxQueryBufferBytes: number;
}

/** PROTO_INLINE_MAX_SIZE: an inline command or a `*`/`$` header line longer than this is an error. */
export const INLINE_MAX_BYTES = 64 * 1024;
/** Before AUTH, Redis accepts at most this many arguments per command... */
export const UNAUTHENTICATED_MAX_ARGS = 10;
/** ...and bulk strings of at most this many bytes. */
export const UNAUTHENTICATED_MAX_BULK_BYTES = 16384;
/** Bulk strings at least this big are accumulated chunk by chunk instead of re-concatenated. */
export const BIG_ARG_BYTES = 32 * 1024;

export const defaultRequestLimits: RequestLimits = {
  maxBulkLenBytes: 512 * 1024 * 1024,
  maxQueryBufferBytes: 1024 * 1024 * 1024,
};
