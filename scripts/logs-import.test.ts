// `npm run logs:import` end to end against a receiver of Loki's push API on a free loopback port
// (the native stack's capture receiver; Loki itself is AGPL and not run here): seed 001 lines
// hours old, a client export line, and malformed lines. The CLI must report the malformed ones by
// line number and push the rest with their original timestamps and labels; what arrived must
// answer the dashboards' LogQL, evaluated as Loki would.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_SERVICE, LOG_EVENTS } from "../catalog/index.ts";
import { logStream } from "../queries/logql.ts";
import { lokiQueryRange } from "../stack/clients/backends.ts";
import { captureReader } from "../stack/capture/capture-reader.ts";
import { startLokiPushReceiver, type LokiPushReceiver } from "../stack/capture/loki-push-receiver.ts";
import type { StackEndpoints } from "../stack/runner/stack-run.ts";
import { REPO_ROOT } from "../stack/runner/tools.ts";

/** Runs the CLI without blocking this process: the receiver answers from this event loop. */
function importCli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(REPO_ROOT, "scripts", "logs-import.ts"), ...args], { encoding: "utf8" }, (err, stdout, stderr) => {
      done({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let receiver: LokiPushReceiver | undefined;
let dir = "";
/** Only the capture folder matters to the LogQL functions. */
let stack: StackEndpoints;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "beacon-logs-import-"));
  receiver = await startLokiPushReceiver({ host: "127.0.0.1", port: 0, outFile: join(dir, "loki-push.jsonl") });
  stack = { captureDir: dir, lokiPush: receiver.url } as StackEndpoints;
});

afterAll(async () => {
  await receiver?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Two hours ago: offline logs arrive late, and keep their own timestamps.
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
    const r = await importCli(file, "--loki", stack.lokiPush);
    expect(r.stderr).toContain(`${file}:2: skipped, not JSON`);
    expect(r.stderr).toContain(`${file}:4: skipped, field \`type\` is "nonsense"`);
    expect(r.stdout).toContain("6 lines, 3 log entries imported (services: kicktalk), 2 malformed, 1 without logs, 0 refused by Loki; stream label import_id=");
    expect(r.status).toBe(0);

    const range = [T0 - 60_000, T0 + 60_000] as const;
    const poorVitals = logStream(CLIENT_SERVICE, { type: LOG_EVENTS.vital, filters: [{ field: "rating", value: "poor" }] });
    const streams = await lokiQueryRange(stack, poorVitals, ...range);
    const values = (streams.result as { values?: [string, string][] }[]).flatMap((s) => s.values ?? []);
    expect(values).toEqual([[`${T0}000000`, "vital"]]);

    const all = await lokiQueryRange(stack, `{service_name="${CLIENT_SERVICE}"}`, ...range);
    const lines = (all.result as { values?: [string, string][] }[]).flatMap((s) => (s.values ?? []).map(([ts, line]) => [ts, line]));
    expect(lines.sort()).toEqual(
      [
        [`${T0}000000`, "vital"],
        [`${T0 + 1000}000000`, "Failed to load emotes"],
        [`${T0 + 3000}000000`, "export line"],
      ].sort(),
    );
    // Exactly what was pushed arrived: one stream label set per import, metadata per entry.
    const pushed = await captureReader(dir).pushedEntries();
    expect(pushed).toHaveLength(3);
    expect(new Set(pushed.map((e) => JSON.stringify(Object.keys(e.labels).sort())))).toEqual(new Set([JSON.stringify(["import_id", "service_name"])]));
    expect(pushed.find((e) => e.line === "vital")?.metadata).toMatchObject({ log_type: "vital", rating: "poor", vital_name: "LCP" });
  });

  it("the receiver refuses what Loki refuses, naming the problem", async () => {
    const push = (body: string, type = "application/json") => fetch(`${stack.lokiPush}/loki/api/v1/push`, { method: "POST", headers: { "content-type": type }, body });
    const cases: [string, string | undefined, number, string][] = [
      ["{", undefined, 400, "JSON"],
      [JSON.stringify({ streams: [{ stream: { "bad-name": "x" }, values: [] }] }), undefined, 400, 'invalid label name "bad-name"'],
      [JSON.stringify({ streams: [{ stream: { a: "b" }, values: [["12.5", "line"]] }] }), undefined, 400, "timestamp must be epoch nanoseconds"],
      [JSON.stringify({ streams: [{ stream: { a: "b" }, values: [["1", { not: "a string" }]] }] }), undefined, 400, "line must be a string"],
      ["x", "application/x-protobuf", 415, "JSON push format only"],
      ["x".repeat(5 * 1024 * 1024), undefined, 413, "push body over"],
    ];
    for (const [body, type, status, message] of cases) {
      const res = await push(body, type);
      expect(res.status, message).toBe(status);
      expect(await res.text()).toContain(message);
    }
  });

  it("exits 1 and says so when Loki is not there", async () => {
    const file = join(dir, "one.jsonl");
    writeFileSync(file, `${LINES[0]}\n`);
    const r = await importCli(file, "--loki", "http://127.0.0.1:9");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/one\.jsonl:1-1: Loki refused 1 entries: .*127\.0\.0\.1:9/);
  });
});
