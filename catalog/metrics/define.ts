import type { MetricDecl } from "../types.ts";

/** Latency buckets in seconds for user-facing operations (5 ms … 10 s). */
export const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** Buckets in seconds for very short operations such as renders and IPC hops (0.1 ms … 250 ms). */
export const FAST_BUCKETS_S = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25] as const;

/** Identity function that checks a declaration against MetricDecl while keeping its literal type. */
export const metric = <const M extends MetricDecl>(decl: M): M => decl;
