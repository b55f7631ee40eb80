import type { MetricDecl } from "../types.ts";

/** Latency buckets in seconds for user-facing operations (5 ms … 10 s). */
export const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** Buckets in seconds for very short operations such as renders and IPC hops (0.1 ms … 250 ms). */
export const FAST_BUCKETS_S = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25] as const;

const MIB = 1024 ** 2;

/**
 * Memory buckets in bytes, 8 MiB … 8 GiB by powers of two: a process's memory sampled once per
 * flush, the fleet's median and p95 interpolated inside a doubling.
 */
export const MEMORY_BUCKETS_BY = [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192].map((m) => m * MIB);

/** Buckets for counts of things a process holds (DOM elements, libuv handles), 10 … 100,000. */
export const HELD_COUNT_BUCKETS = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000] as const;

/** CPU time over wall time (1 = one core busy): idle, light, busy, more than one core. */
export const CPU_RATIO_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4] as const;

/** Process uptime buckets in seconds: 1 min, 5 min, 15 min, 30 min, 1 h, 2 h, 4 h, 8 h, 1 d, 3 d, 1 w. */
export const UPTIME_BUCKETS_S = [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259200, 604800] as const;

/**
 * Counts of things open at once (windows of a type, chat connections to a streamer), observed
 * once per sample: 0 and 1 apart, then a few steps up to more than anyone should have open.
 */
export const OPEN_COUNT_BUCKETS = [0, 1, 2, 3, 5, 10, 25] as const;

/**
 * Connections of one renderer window to one streamer's room: 1, or a duplicate (a reconnect racing
 * the old socket's close). Few buckets: the label set is already streamers × sources.
 */
export const CONNECTION_COUNT_BUCKETS = [1, 2] as const;

/** Telemetry items waiting in the journal per signal, observed once per flush: empty, a flush's worth, a backlog, near the cap. */
export const QUEUE_ITEM_BUCKETS = [0, 10, 50, 100, 500, 1000, 5000, 10000, 50000] as const;

/** Identity function that checks a declaration against MetricDecl while keeping its literal type. */
export const metric = <const M extends MetricDecl>(decl: M): M => decl;
