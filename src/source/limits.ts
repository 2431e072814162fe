/** Limits that keep a hostile or broken export from exhausting memory or time. */

/**
 * The largest uncompressed entry we will inflate. WorkMail's hard message limit is 25 MB and Exchange
 * Online's is 150 MB; anything declaring more than this is not a message we could import, and inflating it
 * would only let a zip bomb eat memory.
 */
export const MAX_ENTRY_UNCOMPRESSED_BYTES = 200 * 1024 * 1024;

/**
 * The largest uncompressed/compressed ratio we accept for entries big enough to matter: above what deflate
 * can produce at all (about 1032:1), so a declared size beyond it is a lie. Mail compresses 2-10x, but a
 * log of repeated lines or a zero-filled attachment compresses 300:1 and more, and a limit of 200 refused
 * such messages as "zip bomb?" (a probe): nothing could import them. Memory is bounded anyway, by the
 * declared-size cap above and inflating no further than the declared size.
 */
export const MAX_COMPRESSION_RATIO = 1100;

/** Below this declared size the ratio check is skipped: a tiny entry can't hurt, and tiny files compress oddly. */
export const RATIO_CHECK_MIN_BYTES = 1024 * 1024;

/**
 * The longest header block we keep. Real Exchange headers with many Received/ARC/DKIM lines reach tens of
 * KiB; a "header" longer than this is a body without a blank line, and keeping it all would defeat the
 * header-only read.
 */
export const MAX_HEADER_BLOCK_BYTES = 1024 * 1024;

/**
 * Compressed-prefix sizes tried, in order, when only the header block is wanted. 4 KiB held every header
 * of a 50,000-message synthetic export; 64 KiB covers big real-world headers; after that we read it all.
 */
export const HEADER_PREFIX_STEPS: readonly number[] = [4 * 1024, 64 * 1024];

/** The largest JSON export log we parse. The documented log is a few hundred bytes. */
export const MAX_EXPORT_LOG_BYTES = 4 * 1024 * 1024;

/**
 * Entries with more compressed bytes than this are inflated as a stream (constant memory) rather than in
 * one buffer; below it one async inflate per entry is cheaper (a single threadpool hop).
 */
export const STREAM_INFLATE_THRESHOLD_BYTES = 8 * 1024 * 1024;

/**
 * Entries with at most this many compressed bytes are inflated synchronously: zlib's async API costs more
 * CPU than the inflate itself for small entries (a stream object and a threadpool round trip per 16 KiB),
 * and 64 KiB inflates in well under a millisecond, too short to matter for the event loop.
 */
export const SYNC_INFLATE_MAX_COMPRESSED_BYTES = 64 * 1024;

/**
 * Reads of a local zip up to this size block the main thread instead of going through libuv's threadpool:
 * the async read's hop (a request object, a wake-up of a pool thread, its completion back through the
 * event loop, a promise) costs more CPU than reading 64 KiB of a cached file, and a read that must wait
 * for the disk is one disk read either way.
 */
export const SYNC_READ_MAX_BYTES = 64 * 1024;

/** Entries read at once by default: enough to keep both cores and the threadpool busy, small for memory. */
export const DEFAULT_SCAN_CONCURRENCY = 6;

/** Upper bound on a caller-supplied concurrency, so a typo can't turn the bound on memory into none. */
export const MAX_SCAN_CONCURRENCY = 64;

/**
 * Zips with at least this many entries are read on worker threads by default. Starting a worker costs
 * about 50 ms; a few hundred entries take longer than that to read on one thread.
 */
export const READ_WORKER_MIN_ENTRIES = 500;

/** Read workers at most: beyond a few, the main thread (decoding headers, the ledger) is the limit. */
export const MAX_READ_WORKERS = 4;

/** Entries a read worker takes per message: enough to make the message cost vanish, few to hold. */
export const READ_WORKER_BATCH_ENTRIES = 32;

/**
 * Batches a scan keeps in flight per read worker (a few queued on it, see read-pool.ts, the rest waiting
 * for the consumer): room for the bursts of both threads (a ledger commit every 500 rows, a collection).
 * Three left both waiting on each other; eight took a median 6 % off the small-message dry run.
 */
export const READ_WORKER_BATCHES_IN_FLIGHT = 8;
/** The same for a remote zip, whose batches hold their bytes (up to a window each) until they are read. */
export const REMOTE_READ_WORKER_BATCHES_IN_FLIGHT = 3;
