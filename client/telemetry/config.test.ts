import { describe, expect, it } from "vitest";
import { loadTelemetryConfig, mapMainViteEnv, parseOtlpHeaders, reportConfigProblems } from "./config.ts";

const settings = { enabled: true, dataDir: "/tmp/x", serviceVersion: "2.0.0" };

describe("loadTelemetryConfig", () => {
  it("maps MAIN_VITE_OTEL_* onto OTEL_* without overriding OTEL_* already set", () => {
    expect(mapMainViteEnv({ MAIN_VITE_OTEL_A: "vite", MAIN_VITE_OTEL_B: "vite", OTEL_B: "env", OTHER: "1" })).toEqual({
      MAIN_VITE_OTEL_A: "vite",
      MAIN_VITE_OTEL_B: "vite",
      OTEL_A: "vite",
      OTEL_B: "env",
      OTHER: "1",
    });
  });

  it("reads endpoint, headers and sampling from the Vite-baked variables", () => {
    const { config, problems } = loadTelemetryConfig(
      {
        MAIN_VITE_OTEL_EXPORTER_OTLP_ENDPOINT: "https://otlp-gateway.grafana.net/otlp/",
        MAIN_VITE_OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%20abc%3D%3D,X-Scope=1",
        MAIN_VITE_OTEL_TRACES_SAMPLER_ARG: "0.25",
        MAIN_VITE_OTEL_DEPLOYMENT_ENV: "dev",
      },
      settings,
    );
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      enabled: true,
      endpoint: "https://otlp-gateway.grafana.net/otlp",
      headers: { Authorization: "Basic abc==", "X-Scope": "1" },
      sampleRatio: 0.25,
      deploymentEnvironment: "dev",
      serviceVersion: "2.0.0",
    });
  });

  it("is off unless the setting turns it on, and off with OTEL_SDK_DISABLED", () => {
    expect(loadTelemetryConfig({}, { ...settings, enabled: undefined }).config.enabled).toBe(false);
    expect(loadTelemetryConfig({ OTEL_SDK_DISABLED: "true" }, settings).config.enabled).toBe(false);
  });

  it("reports a bad endpoint and bad headers by variable name, never echoing header values, and disables", () => {
    const { config, problems } = loadTelemetryConfig(
      { OTEL_EXPORTER_OTLP_ENDPOINT: "not a url", OTEL_EXPORTER_OTLP_HEADERS: "Authorization Basic sekrit" },
      settings,
    );
    expect(config.enabled).toBe(false);
    expect(problems).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT: "not a url" is not a URL',
      "OTEL_EXPORTER_OTLP_HEADERS: entry 1 is not key=value with a valid header name",
    ]);
    expect(problems.join()).not.toContain("sekrit");
  });

  it("reads the per-minute trace cap, refusing a value that would switch it off or overflow", () => {
    expect(loadTelemetryConfig({}, settings).config.sampledTracesPerMinute).toBe(30);
    expect(loadTelemetryConfig({ KICKTALK_SAMPLED_TRACES_PER_MINUTE: "120" }, settings).config.sampledTracesPerMinute).toBe(120);
    for (const bad of ["0", "-5", "1e9", "lots"]) {
      const { config, problems } = loadTelemetryConfig({ KICKTALK_SAMPLED_TRACES_PER_MINUTE: bad }, settings);
      expect(problems).toEqual([`KICKTALK_SAMPLED_TRACES_PER_MINUTE: "${bad}" is not a number in [1, 1000000]`]);
      expect(config.enabled).toBe(false);
    }
  });

  it("rejects non-HTTP endpoints and credentials in the URL", () => {
    expect(loadTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "grpc://x:4317" }, settings).problems[0]).toContain("protocol grpc:");
    expect(loadTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://u:p@x" }, settings).problems[0]).toContain("credentials");
  });

  it("parses headers with percent-encoding and rejects control characters", () => {
    expect(parseOtlpHeaders("a=1, b = two%20words")).toEqual({ headers: { a: "1", b: "two words" }, problem: null });
    expect(parseOtlpHeaders("a=%0Aevil").problem).toContain("control character");
  });

  it("prints problems once per process", () => {
    const printed: string[] = [];
    reportConfigProblems(["X: bad"], (m) => printed.push(m));
    reportConfigProblems(["X: bad"], (m) => printed.push(m));
    expect(printed).toEqual(["[telemetry] disabled because of broken configuration:\n  - X: bad"]);
  });
});
