// The gateway is deployed from the generated file and nothing else: docker-compose mounts
// generated/gateway/ (the Kubernetes ConfigMap is checked in infra/program-gateway.test.ts), nginx
// speaks TLS on every listener of the config Kubernetes runs by default, the
// official contrib image of the same release as the native build has every component the
// config names, and every env var the config needs is set.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { gatewayConfig, GATEWAY_REQUIRED_ENV, renderGatewayConfig } from "./config.ts";
import { gatewayFiles } from "./index.ts";

interface ComposeService {
  image: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  network_mode?: string;
  ports?: string[];
  profiles?: string[];
}
const compose = parse(readFileSync("docker-compose.yml", "utf8")) as { services: Record<string, ComposeService> };
const builder = parse(readFileSync("stack/collector/builder-config.yaml", "utf8")) as { dist: { version: string } };

/**
 * Component types of the official otelcol-contrib distribution that the gateway uses, from
 * open-telemetry/opentelemetry-collector-releases distributions/otelcol-contrib/manifest.yaml
 * (otlpreceiver; batch, memorylimiter, filter, transform, deltatocumulative, interval processors;
 * otlphttp, prometheusremotewrite exporters; healthcheck, bearertokenauth, filestorage extensions).
 */
const CONTRIB_TYPES = {
  receivers: ["otlp"],
  processors: ["batch", "memory_limiter", "filter", "transform", "deltatocumulative", "interval", "attributes"],
  exporters: ["otlphttp", "otlp", "debug", "prometheusremotewrite", "file"],
  extensions: ["health_check", "bearertokenauth", "file_storage"],
} as const;

describe("the gateway as deployed", () => {
  it("runs in docker-compose from generated/gateway/, on the contrib image of the native build's release", () => {
    const gw = compose.services["gateway"]!;
    const nginx = compose.services["gateway-nginx"]!;
    expect(gw.image).toBe(`otel/opentelemetry-collector-contrib:${builder.dist.version.replace(/-beacon$/, "")}`);
    expect(gw.volumes).toContain("./generated/gateway/collector.yaml:/etc/beacon-gateway/collector.yaml:ro");
    expect(gw.command).toEqual(["--config=file:/etc/beacon-gateway/collector.yaml"]);
    expect(Object.keys(gw.environment ?? {})).toEqual(expect.arrayContaining([...GATEWAY_REQUIRED_ENV]));
    expect(nginx.volumes).toContain("./generated/gateway/nginx.conf:/etc/beacon-gateway/nginx.conf:ro");
    // nginx reaches the collector on the pod's loopback, as in Kubernetes.
    expect(nginx.network_mode).toBe("service:gateway");
    // Opt-in: `docker compose up` alone keeps the local stack's collector on 4318.
    expect(gw.profiles).toEqual(["gateway"]);
    expect(readFileSync("generated/gateway/collector.yaml", "utf8")).toBe(renderGatewayConfig("cloud"));
  });

  it("terminates TLS on every nginx listener in Kubernetes' config; plain HTTP only in docker-compose's (loopback)", () => {
    const files = gatewayFiles();
    const listens = (file: string) => [...readFileSync(`generated/gateway/${file}`, "utf8").matchAll(/^\s*listen ([^;]+);$/gm)].map((m) => m[1]);
    for (const file of ["nginx.conf", "nginx-tls.conf"]) expect(readFileSync(`generated/gateway/${file}`, "utf8"), file).toBe(files[`gateway/${file}`]);
    expect(listens("nginx-tls.conf")).toEqual(["0.0.0.0:8080 ssl", "0.0.0.0:8081 ssl"]);
    expect(listens("nginx.conf")).toEqual(["0.0.0.0:8080", "0.0.0.0:8081"]);
    // docker-compose publishes the gateway's ports on 127.0.0.1 only.
    const published = compose.services["gateway"]?.ports ?? [];
    expect(published.length).toBeGreaterThan(0);
    for (const p of published) expect(p).toMatch(/^127\.0\.0\.1:/);
  });

  it("names only components the official contrib distribution has", () => {
    const config = gatewayConfig("cloud");
    for (const kind of ["receivers", "processors", "exporters", "extensions"] as const) {
      const types = Object.keys(config[kind] as Record<string, unknown>).map((id) => id.split("/")[0]);
      for (const t of types) expect(CONTRIB_TYPES[kind], `${kind} ${t}`).toContain(t);
    }
  });
});
