import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

describe("loadConfig", () => {
  it("defaults to loopback:8787, telemetry on to the local gateway, 100 % sampling outside production", () => {
    const c = loadConfig({});
    expect([c.host, c.port, c.env]).toEqual(["127.0.0.1", 8787, "development"]);
    expect(c.telemetry).toEqual({
      enabled: true,
      otlpEndpoint: "http://127.0.0.1:4318",
      sampleRatio: 1,
      forcedSampling: true,
      slowRequestMs: 500,
      traceBufferSpans: 4096,
      metricExportIntervalMs: 15_000,
      shutdownTimeoutMs: 5_000,
    });
    expect(c.links).toEqual({
      fetchTimeoutMs: 5000,
      concurrency: 4,
      maxBytes: 524_288,
      maxRedirects: 5,
      allowedPorts: [80, 443],
      allowLoopback: false,
      maxPerMessage: 5,
      maxPendingPerUser: 20,
      maxPending: 500,
    });
    expect(c.http).toEqual({ maxConnections: 8192, maxConnectionsPerIp: 512, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 });
    expect(c.ws).toEqual({
      heartbeatMs: 30_000,
      maxBufferedBytes: 1_048_576,
      presenceIntervalMs: 250,
      allowedOrigins: ["null", "file://", "http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"],
    });
  });

  it("allows the Electron client's origins only in production, or the configured list", () => {
    expect(loadConfig({ NODE_ENV: "production" }).ws.allowedOrigins).toEqual(["null", "file://"]);
    expect(loadConfig({ CHAT_SERVER_ALLOWED_ORIGINS: "https://chat.example, file://" }).ws.allowedOrigins).toEqual(["https://chat.example", "file://"]);
  });

  it("keeps link fetching off loopback by default and refuses to allow it in production", () => {
    expect(loadConfig({ CHAT_SERVER_LINKS_ALLOW_LOOPBACK: "true" }).links.allowLoopback).toBe(true);
    expect(() => loadConfig({ NODE_ENV: "production", CHAT_SERVER_LINKS_ALLOW_LOOPBACK: "true" })).toThrow(
      /CHAT_SERVER_LINKS_ALLOW_LOOPBACK=true is refused with NODE_ENV=production/,
    );
  });

  it("names bad port lists and a headers timeout longer than the request timeout", () => {
    expect(loadConfig({ LINK_ALLOWED_PORTS: "80, 443,8443" }).links.allowedPorts).toEqual([80, 443, 8443]);
    expect(() => loadConfig({ LINK_ALLOWED_PORTS: "80,http,70000" })).toThrow(/LINK_ALLOWED_PORTS="80,http,70000": must be comma-separated ports 1-65535; bad: http, 70000/);
    expect(() => loadConfig({ CHAT_SERVER_HEADERS_TIMEOUT_MS: "40000" })).toThrow(
      /CHAT_SERVER_HEADERS_TIMEOUT_MS=40000 must not exceed CHAT_SERVER_REQUEST_TIMEOUT_MS=30000/,
    );
  });

  it("samples 10 % in production unless OTEL_TRACES_SAMPLER_ARG says otherwise", () => {
    expect(loadConfig({ NODE_ENV: "production" }).telemetry.sampleRatio).toBe(0.1);
    expect(loadConfig({ NODE_ENV: "production", OTEL_TRACES_SAMPLER_ARG: "0.25" }).telemetry.sampleRatio).toBe(0.25);
  });

  it("switches telemetry off with OTEL_SDK_DISABLED and treats empty values as unset", () => {
    expect(loadConfig({ OTEL_SDK_DISABLED: "true" }).telemetry.enabled).toBe(false);
    expect(loadConfig({ PORT: "" }).port).toBe(8787);
  });

  it("keeps fault injection off by default and refuses it in production", () => {
    expect(loadConfig({}).faultInjection).toBe(false);
    expect(loadConfig({ CHAT_SERVER_FAULT_INJECTION: "true" }).faultInjection).toBe(true);
    expect(() => loadConfig({ NODE_ENV: "production", CHAT_SERVER_FAULT_INJECTION: "true" })).toThrow(/CHAT_SERVER_FAULT_INJECTION=true is refused with NODE_ENV=production/);
  });

  it("names every bad variable and its value", () => {
    const bad = () => loadConfig({ PORT: "eighty", OTEL_TRACES_SAMPLER_ARG: "2", OTEL_SDK_DISABLED: "yes", OTEL_EXPORTER_OTLP_ENDPOINT: "nope" });
    expect(bad).toThrow(ConfigError);
    const message = (() => {
      try {
        bad();
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toMatch(/PORT="eighty": /);
    expect(message).toMatch(/OTEL_TRACES_SAMPLER_ARG="2": /);
    expect(message).toMatch(/OTEL_SDK_DISABLED="yes": must be true, false, 1 or 0/);
    expect(message).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT="nope": must be a URL/);
  });
});
