/**
 * The emulator's seeded generator for faults and latency: the same mulberry32 the importer uses for
 * backoff jitter, so one implementation is tested once.
 */
export { seededRandom as createPrng } from '../../src/destination/graph/backoff.js';
