// `npm run logs:import` end to end against a real Loki (the stack's binary and rendered
// config, on free loopback ports): seed 001 lines days old, a client export line, and
// malformed lines. The CLI must report the malformed ones by line number, import the rest with
// their original timestamps, and Loki must answer the dashboards' LogQL with them.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_SERVICE, LOG_EVENTS } from "../catalog/index.ts";
import { logStream } from "../queries/logql.ts";
import { lokiQueryRange } from "../stack/clients/backends.ts";
import { DEFAULT_PORTS, renderStackConfigs } from "../stack/runner/stack-config.ts";
import { freePort, waitFor, waitForHttp } from "../stack/runner/stack-wait.ts";
import { ensureLoki, REPO_ROOT } from "../stack/runner/tools.ts";

let loki: ChildProcess | undefined;
let lokiUrl = "";
let dir = "";

beforeAll(async () => {
  const binary = await ensureLoki();
  dir = mkdtempSync(join(tmpdir(), "beacon-logs-import-"));
  const ports = { ...DEFAULT_PORTS, lokiHttp: await freePort(), lokiGrpc: await freePort() };
  const config = join(dir, "loki.yaml");
  writeFileSync(config, renderStackConfigs({ kind: "native", ports, dataDir: dir })["loki.yaml"]);
  loki = spawn(binary, [`-config.file=${config}`], { cwd: dir, stdio: "ignore" });
  lokiUrl = `http://127.0.0.1:${ports.lokiHttp}`;
  await waitForHttp(`${lokiUrl}/ready`, 90_000);
});

afterAll(() => {
  loki?.kill("SIGTERM");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Two hours ago, older than the hour Loki accepts behind a live stream: offline logs arrive late.
// (Entries older than about a day are accepted too, but the single-binary Loki answers queries
// for them only once their chunks are flushed to the store.)
const T0 = Date.now() - 2 * 3600_000;
const iso = (offsetS: number) => new Date(T0 + offsetS * 1000).toISOString();

const LINES = [
  JSON.stringify({ type: "vital", data: { name: "LCP", value: 4800, rating: "poor" }, timestamp: iso(0), sessionId: "s-42" }),
  "{ this line is broken",
  JSON.stringify({ type: "error", data: { message: "Failed to load emotes", name: "TypeError", area: "emote" }, timestamp: iso(1) }),
  JSON.stringify({ type: "nonsense", data: {}, timestamp: iso(2) }),
  JSON.stringify({
    id: "e1",
    signal: "logs",
    items: 1,
    resource: { "service.name": CLIENT_SERVICE },
    data: [{ logRecords: [{ timeUnixNano: `${T0 + 3000}000000`, severityText: "WARN", severityNumber: 13, body: { stringValue: "export line" }, attributes: [{ key: "log_type", value: { stringValue: "log" } }] }] }],
  }),
  JSON.stringify({ id: "e2", signal: "traces", items: 2, resource: {}, data: [] }),
];

describe("npm run logs:import", () => {
  it("imports good lines with their timestamps and reports malformed ones by number", async () => {
    const file = join(dir, "telemetry.jsonl");
    writeFileSync(file, `${LINES.join("\n")}\n`);
    const r = spawnSync(process.execPath, [join(REPO_ROOT, "scripts", "logs-import.ts"), file, "--loki", lokiUrl], { encoding: "utf8" });
    expect(r.stderr).toContain(`${file}:2: skipped, not JSON`);
    expect(r.stderr).toContain(`${file}:4: skipped, field \`type\` is "nonsense"`);
    expect(r.stdout).toContain("6 lines, 3 log entries imported (services: kicktalk), 2 malformed, 1 without logs, 0 refused by Loki; stream label import_id=");
    expect(r.status).toBe(0);

    const range = [T0 - 60_000, T0 + 60_000] as const;
    const poorVitals = logStream(CLIENT_SERVICE, { type: LOG_EVENTS.vital, filters: [{ field: "rating", value: "poor" }] });
    const streams = await waitFor(
      () => lokiQueryRange(lokiUrl, poorVitals, ...range),
      (res) => res.result.length > 0,
      30_000,
      500,
    );
    const values = streams.result.flatMap((s) => s.values ?? []);
    expect(values).toEqual([[`${T0}000000`, "vital"]]);

    const all = await lokiQueryRange(lokiUrl, `{service_name="${CLIENT_SERVICE}"}`, ...range);
    const lines = all.result.flatMap((s) => (s.values ?? []).map(([ts, line]) => [ts, line]));
    expect(lines.sort()).toEqual(
      [
        [`${T0}000000`, "vital"],
        [`${T0 + 1000}000000`, "Failed to load emotes"],
        [`${T0 + 3000}000000`, "export line"],
      ].sort(),
    );
  });

  it("exits 1 and says so when Loki is not there", () => {
    const file = join(dir, "one.jsonl");
    writeFileSync(file, `${LINES[0]}\n`);
    const r = spawnSync(process.execPath, [join(REPO_ROOT, "scripts", "logs-import.ts"), file, "--loki", "http://127.0.0.1:9"], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/one\.jsonl:1-1: Loki refused 1 entries: .*127\.0\.0\.1:9/);
  });
});
