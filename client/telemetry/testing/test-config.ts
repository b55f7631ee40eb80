// Config for tests: the defaults with a temp data dir and a given endpoint, telemetry on.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../config.ts";
import type { TelemetryConfig } from "../types.ts";

/** A trace cap no test reaches: tests at ratio 1 expect every trace (sampler.test.ts tests the cap). */
export const UNTHROTTLED = 1_000_000;

export function testConfig(endpoint: string, overrides: Partial<TelemetryConfig> = {}): TelemetryConfig {
  return {
    ...DEFAULT_CONFIG,
    enabled: true,
    endpoint,
    dataDir: mkdtempSync(join(tmpdir(), "beacon-telemetry-")),
    sampleRatio: 1,
    sampledTracesPerMinute: UNTHROTTLED,
    serviceVersion: "1.2.3",
    ...overrides,
  };
}
