// Stack outputs -> .env text: the pure half of scripts/write-env.ts.
import { describe, expect, it } from "vitest";
import { envFiles, otlpHeadersValue, parseStackOutputs, StackOutputsError } from "./env-files.ts";

const HEADER = `Basic ${Buffer.from("424242:glc_token+/with=chars").toString("base64")}`;
const CLOUD = { target: "cloud", grafanaUrl: "https://beacon.grafana.net", otlpEndpoint: "https://otlp-gateway-prod-us-east-0.grafana.net/otlp", otlpAuthorizationHeader: HEADER, dashboardUids: ["x"] };

describe("env files", () => {
  it("writes the endpoint and the percent-encoded Authorization header for a cloud stack", () => {
    const { client, server } = envFiles(parseStackOutputs(CLOUD), "cloud");
    expect(client).toBe(server);
    const vars = Object.fromEntries(
      client
        .split("\n")
        .filter((l) => l !== "" && !l.startsWith("#"))
        .map((l) => [l.slice(0, l.indexOf("=")), JSON.parse(l.slice(l.indexOf("=") + 1)) as string]),
    );
    expect(vars).toEqual({ OTEL_EXPORTER_OTLP_ENDPOINT: CLOUD.otlpEndpoint, OTEL_EXPORTER_OTLP_HEADERS: otlpHeadersValue(HEADER) });
    // The OTel spec's header format: the value decodes back to the exact header.
    expect(decodeURIComponent(vars["OTEL_EXPORTER_OTLP_HEADERS"]!.replace(/^Authorization=/, ""))).toBe(HEADER);
    expect(vars["OTEL_EXPORTER_OTLP_HEADERS"]).not.toMatch(/[ +/]/);
  });

  it("writes only the endpoint for self-hosted", () => {
    const { client } = envFiles(parseStackOutputs({ target: "self-hosted", grafanaUrl: "http://localhost:3000", otlpEndpoint: "http://localhost:4318" }), "self-hosted");
    expect(client).toContain('OTEL_EXPORTER_OTLP_ENDPOINT="http://localhost:4318"');
    expect(client).not.toContain("OTEL_EXPORTER_OTLP_HEADERS");
  });

  it("refuses a cloud stack whose secret outputs were not shown", () => {
    const { otlpAuthorizationHeader: _h, ...rest } = CLOUD;
    expect(() => parseStackOutputs(rest)).toThrow(/otlpAuthorizationHeader is missing for target cloud \(run with --show-secrets\)/);
  });

  it("names a bad output without echoing its value", () => {
    const bad = { ...CLOUD, otlpAuthorizationHeader: "Bearer sekret-value" };
    expect(() => parseStackOutputs(bad)).toThrow(StackOutputsError);
    expect(() => parseStackOutputs(bad)).toThrow(/otlpAuthorizationHeader: must be Basic <base64>/);
    try {
      parseStackOutputs(bad);
    } catch (err) {
      expect(String(err)).not.toContain("sekret-value");
    }
    expect(() => parseStackOutputs({ ...CLOUD, otlpEndpoint: "grpc://x:4317" })).toThrow(/otlpEndpoint/);
  });
});
