import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**", "generated/**", "e2e/**", "loadtest/**"],
    // Integration tests start real processes (collector, promtool, Chromium) on loopback.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
