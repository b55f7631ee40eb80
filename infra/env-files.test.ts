// Stack outputs -> .env text: the pure half of scripts/write-env.ts.
import { describe, expect, it } from "vitest";
import { envFiles, otlpHeadersValue, parseStackOutputs, readStackOutputs, StackOutputsError } from "./env-files.ts";

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
    const { client } = envFiles(parseStackOutputs({ target: "self-hosted", grafanaUrl: "http://localhost:3001", otlpEndpoint: "http://localhost:4318" }), "self-hosted");
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

describe("reading the stack outputs (env:write)", () => {
  /** A stand-in for the pulumi CLI: records each call, answers from `outputs` as `stack output <name> --json` does. */
  const cli = (outputs: Record<string, unknown>) => {
    const calls: string[][] = [];
    const run = (args: readonly string[]) => {
      calls.push([...args]);
      const name = args[2] ?? "";
      if (!(name in outputs)) throw new Error(`current stack does not have output property '${name}'`);
      const value = outputs[name];
      // Without --show-secrets the CLI prints secrets as "[secret]".
      const secret = name === "otlpAuthorizationHeader" || name === "serviceAccountToken";
      return JSON.stringify(secret && !args.includes("--show-secrets") ? "[secret]" : value);
    };
    return { calls, run };
  };

  it("reads only the outputs the apps need, and only the OTLP header with --show-secrets", () => {
    const { calls, run } = cli({ ...CLOUD, otlpTokenExpiresAt: "2026-03-04T00:00:00Z", serviceAccountToken: "glsa_must_not_be_read" });
    const outputs = readStackOutputs(run, "prod");
    expect(outputs).toMatchObject({ target: "cloud", otlpEndpoint: CLOUD.otlpEndpoint, otlpAuthorizationHeader: HEADER, otlpTokenExpiresAt: "2026-03-04T00:00:00Z" });
    expect(calls).toEqual([
      ["stack", "output", "target", "--json", "--stack", "prod"],
      ["stack", "output", "grafanaUrl", "--json", "--stack", "prod"],
      ["stack", "output", "otlpEndpoint", "--json", "--stack", "prod"],
      // Is there a gateway? (No: this stack has none, so the apps get the Cloud header.)
      ["stack", "output", "gatewayEndpoint", "--json", "--stack", "prod"],
      ["stack", "output", "otlpAuthorizationHeader", "--json", "--stack", "prod", "--show-secrets"],
      ["stack", "output", "otlpTokenExpiresAt", "--json", "--stack", "prod"],
    ]);
    expect(JSON.stringify(outputs)).not.toContain("glsa_must_not_be_read");
  });

  it("never shows secrets for a self-hosted stack", () => {
    const { calls, run } = cli({ target: "self-hosted", grafanaUrl: "http://localhost:3001", otlpEndpoint: "http://localhost:4318" });
    expect(readStackOutputs(run, "self-hosted").otlpAuthorizationHeader).toBeUndefined();
    expect(calls.map((c) => c[2])).toEqual(["target", "grafanaUrl", "otlpEndpoint"]);
    expect(calls.flat()).not.toContain("--show-secrets");
  });
});


describe("env:write with the fleet gateway", () => {
  const GATEWAY = {
    target: "cloud",
    grafanaUrl: "https://beacon.grafana.net",
    otlpEndpoint: "https://otlp-gateway-prod-us-east-0.grafana.net/otlp",
    gatewayEndpoint: "http://gw-lb.example.net:4318",
    gatewayServerEndpoint: "http://gw-lb.example.net:4319",
    gatewayClientKey: "ck-1.5.0-aaaaaaaaaaaaaaaa",
    gatewayServerKey: "sk-cccccccccccccccc",
    otlpTokenExpiresAt: "2026-03-04T00:00:00Z",
  };
  const vars = (text: string) =>
    Object.fromEntries(
      text
        .split("\n")
        .filter((l) => l !== "" && !l.startsWith("#"))
        .map((l) => [l.slice(0, l.indexOf("=")), JSON.parse(l.slice(l.indexOf("=") + 1)) as string]),
    );

  it("gives each app the gateway's address and its own key, never the Cloud header", () => {
    const { client, server } = envFiles(parseStackOutputs(GATEWAY), "cloud");
    expect(vars(client)).toEqual({ OTEL_EXPORTER_OTLP_ENDPOINT: GATEWAY.gatewayEndpoint, OTEL_EXPORTER_OTLP_HEADERS: otlpHeadersValue(`Bearer ${GATEWAY.gatewayClientKey}`) });
    expect(vars(server)).toEqual({ OTEL_EXPORTER_OTLP_ENDPOINT: GATEWAY.gatewayServerEndpoint, OTEL_EXPORTER_OTLP_HEADERS: otlpHeadersValue(`Bearer ${GATEWAY.gatewayServerKey}`) });
    expect(client).not.toContain(GATEWAY.gatewayServerKey);
    expect(server).not.toContain(GATEWAY.gatewayClientKey);
    for (const text of [client, server]) expect(text).not.toMatch(/Basic|grafana\.net\/otlp/);
  });

  it("reads the gateway keys with --show-secrets and never asks for the Cloud header", () => {
    const calls: string[][] = [];
    const outputs: Record<string, unknown> = { ...GATEWAY, otlpAuthorizationHeader: HEADER };
    const run = (args: readonly string[]) => {
      calls.push([...args]);
      const name = args[2] ?? "";
      if (!(name in outputs)) throw new Error(`current stack does not have output property '${name}'`);
      const secret = name === "otlpAuthorizationHeader" || name === "gatewayClientKey" || name === "gatewayServerKey";
      return JSON.stringify(secret && !args.includes("--show-secrets") ? "[secret]" : outputs[name]);
    };
    const read = readStackOutputs(run, "prod");
    expect(read.otlpAuthorizationHeader).toBeUndefined();
    expect(read.gatewayClientKey).toBe(GATEWAY.gatewayClientKey);
    expect(calls.map((c) => c[2])).not.toContain("otlpAuthorizationHeader");
    expect(calls.filter((c) => c.includes("--show-secrets")).map((c) => c[2])).toEqual(["gatewayClientKey", "gatewayServerKey"]);
    expect(JSON.stringify(envFiles(read, "prod"))).not.toContain(HEADER);
  });

  it("refuses outputs that hand the apps the Cloud header beside the gateway, or half a gateway", () => {
    expect(() => parseStackOutputs({ ...GATEWAY, otlpAuthorizationHeader: HEADER })).toThrow(/must not hand out otlpAuthorizationHeader/);
    const { gatewayServerKey: _k, ...half } = GATEWAY;
    expect(() => parseStackOutputs(half)).toThrow(/come together/);
  });
});
