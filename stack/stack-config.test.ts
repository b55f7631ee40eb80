// The stack configs: both renderings parse, the committed docker rendering has not drifted from
// the templates, the native one stays on loopback, and each tool's own checker accepts its file.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  CONFIG_FILES,
  DEFAULT_PORTS,
  DOCKER_CONFIG_DIR,
  renderStackConfigs,
  renderTemplate,
  type ConfigFile,
} from "./runner/stack-config.ts";
import { ensureSystemTools, SYSTEM_TOOLS } from "./runner/system-packages.ts";
import { ensureCollector, ensureLoki, ensureTempo } from "./runner/tools.ts";

const run = promisify(execFile);

describe("stack config templates", () => {
  const docker = renderStackConfigs({ kind: "docker" });
  const native = renderStackConfigs({ kind: "native", ports: DEFAULT_PORTS, dataDir: "/tmp/beacon-data" });

  it("render to valid YAML in both targets", () => {
    for (const file of CONFIG_FILES) {
      expect(() => parse(docker[file]), `docker ${file}`).not.toThrow();
      expect(() => parse(native[file]), `native ${file}`).not.toThrow();
    }
  });

  it("match the committed docker-compose rendering (run `node stack/runner/stack-config.ts --write-docker`)", () => {
    for (const file of CONFIG_FILES) {
      expect(readFileSync(join(DOCKER_CONFIG_DIR, file), "utf8"), `stack/docker/${file}`).toBe(docker[file]);
    }
  });

  it("bind only to loopback natively, and every port comes from the layout", () => {
    for (const file of CONFIG_FILES) expect(native[file], file).not.toContain("0.0.0.0");
    const tempo = parse(native["tempo.yaml"]) as { server: { http_listen_port: number; grpc_listen_port: number } };
    const loki = parse(native["loki.yaml"]) as { server: { http_listen_port: number; grpc_listen_port: number } };
    expect([tempo.server.http_listen_port, tempo.server.grpc_listen_port]).toEqual([DEFAULT_PORTS.tempoHttp, DEFAULT_PORTS.tempoGrpc]);
    // Two single binaries on one host: their gRPC ports must differ.
    expect(loki.server.grpc_listen_port).not.toBe(tempo.server.grpc_listen_port);
  });

  it("route each signal to its backend", () => {
    const c = parse(docker["collector.yaml"]) as {
      exporters: Record<string, { endpoint: string }>;
      service: { pipelines: Record<string, { processors: string[]; exporters: string[] }> };
    };
    expect(c.exporters["prometheusremotewrite"]?.endpoint).toBe("http://prometheus:9090/api/v1/write");
    expect(c.exporters["otlp/tempo"]?.endpoint).toBe("tempo:4317");
    expect(c.exporters["otlphttp/loki"]?.endpoint).toBe("http://loki:3100/otlp");
    for (const p of ["metrics", "traces", "logs"]) {
      expect(c.service.pipelines[p]?.processors, p).toEqual(["memory_limiter", "batch"]);
    }
  });

  it("reject an unknown placeholder, naming file and key", () => {
    expect(() => renderTemplate("x.yaml", "a: {{nope.key}}", {})).toThrow("stack/config/x.yaml: unknown template key {{nope.key}}");
  });
});

describe("stack configs pass the tools' own checks", () => {
  let dir: string;
  const write = async (file: ConfigFile, rendered: Record<ConfigFile, string>) => {
    const path = join(dir, file);
    await writeFile(path, rendered[file]);
    return path;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "beacon-stack-config-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("collector validate accepts the gateway config (native and docker)", async () => {
    const binary = await ensureCollector();
    for (const rendered of [
      renderStackConfigs({ kind: "native", ports: DEFAULT_PORTS, dataDir: dir }),
      renderStackConfigs({ kind: "docker" }),
    ]) {
      const path = await write("collector.yaml", rendered);
      await expect(run(binary, ["validate", `--config=file:${path}`])).resolves.toBeDefined();
    }
  }, 30 * 60_000);

  it("promtool and amtool accept the Prometheus and Alertmanager configs", async () => {
    ensureSystemTools(SYSTEM_TOOLS.promtool);
    const rulesDir = join(dir, "rules");
    await mkdir(rulesDir);
    await writeFile(join(rulesDir, "probe.yaml"), "groups:\n  - name: probe\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n");
    const rendered = renderStackConfigs({ kind: "native", ports: DEFAULT_PORTS, dataDir: dir, rulesDir });
    const prom = await write("prometheus.yml", rendered);
    const checked = await run(SYSTEM_TOOLS.promtool.binary, ["check", "config", prom]);
    // The rules glob must reach the rules dir: promtool reports the files it found.
    expect(checked.stdout).toContain("SUCCESS: 1 rule files found");
    const am = await write("alertmanager.yml", rendered);
    // amtool ships in the same Debian package as Alertmanager.
    ensureSystemTools(SYSTEM_TOOLS.alertmanager);
    await expect(run("/usr/bin/amtool", ["check-config", am])).resolves.toBeDefined();
  }, 10 * 60_000);

  it("Tempo and Loki verify their configs (native and docker), and reject an unknown key", async () => {
    const tempo = await ensureTempo();
    const loki = await ensureLoki();
    for (const rendered of [
      renderStackConfigs({ kind: "native", ports: DEFAULT_PORTS, dataDir: dir }),
      renderStackConfigs({ kind: "docker" }),
    ]) {
      await expect(run(tempo, [`-config.file=${await write("tempo.yaml", rendered)}`, "-config.verify=true"])).resolves.toBeDefined();
      await expect(run(loki, [`-config.file=${await write("loki.yaml", rendered)}`, "-verify-config"])).resolves.toBeDefined();
    }
    const bad = join(dir, "bad.yaml");
    await writeFile(bad, "server:\n  bogus_key: 1\n");
    await expect(run(tempo, [`-config.file=${bad}`, "-config.verify=true"])).rejects.toThrow("bogus_key");
    await expect(run(loki, [`-config.file=${bad}`, "-verify-config"])).rejects.toThrow("bogus_key");
  }, 60 * 60_000);
});
