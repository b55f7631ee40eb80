import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**", "generated/**", "e2e/**"],
    // Integration tests start real processes (collector, promtool, Chromium, chat server, vegeta) on loopback.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
