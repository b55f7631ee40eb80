// The review on a real two-commit git history: generated/ committed twice in a temp repo.
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stableJson } from "../json.ts";
import { generatedFilesAt } from "./git-generated.ts";
import { reviewMarkdown } from "./review.ts";

const repo = mkdtempSync(join(tmpdir(), "beacon-diff-"));
const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" }).trim();
git("init", "-q");
afterAll(() => rmSync(repo, { recursive: true, force: true }));

function commit(files: Record<string, unknown>, message: string): string {
  rmSync(join(repo, "generated"), { recursive: true, force: true });
  for (const [path, value] of Object.entries(files)) {
    const full = join(repo, "generated", path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, stableJson(value));
  }
  git("add", "-A");
  git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", message);
  return git("rev-parse", "HEAD");
}

const panel = (over: Record<string, unknown> = {}) => ({
  id: 1,
  type: "timeseries",
  title: "Reconnects",
  gridPos: { x: 0, y: 0, w: 12, h: 8 },
  targets: [{ refId: "A", expr: "sum(rate(kicktalk_websocket_reconnections_total[$__rate_interval]))" }],
  fieldConfig: { defaults: { unit: "short", thresholds: { mode: "absolute", steps: [{ color: "green", value: null }] } }, overrides: [] },
  ...over,
});
const dashboard = (panels: unknown[], over: Record<string, unknown> = {}) => ({ uid: "client", title: "Client", version: 1, id: 3, panels, ...over });
const rule = (title: string, over: Record<string, unknown> = {}) => ({
  uid: title.toLowerCase(),
  title,
  for: "5m",
  condition: "C",
  labels: { severity: "warning" },
  annotations: { summary: "s" },
  data: [
    { refId: "A", datasourceUid: "p", model: { expr: "sum(rate(kicktalk_connection_errors_total[5m]))" } },
    { refId: "C", datasourceUid: "__expr__", model: { type: "threshold", conditions: [{ evaluator: { type: "gt", params: [0.05] } }] } },
  ],
  ...over,
});

const base = commit(
  {
    "dashboards/f/client.json": dashboard([panel(), panel({ id: 2, title: "DOM nodes" })]),
    "alerting/rule-groups/client.json": { title: "client", folderUid: "f", rules: [rule("ClientConnectionErrors"), rule("ClientGone")] },
    "alerting/mute-timings.json": [{ name: "maintenance", time_intervals: [{ weekdays: ["sunday"] }] }],
  },
  "first",
);
const head = commit(
  {
    "dashboards/f/client.json": dashboard(
      [
        panel({
          targets: [{ refId: "A", expr: "sum by (reason) (rate(kicktalk_websocket_reconnections_total[$__rate_interval]))" }],
          fieldConfig: { defaults: { unit: "reqps", thresholds: { mode: "absolute", steps: [{ color: "green", value: null }, { color: "red", value: 5 }] } }, overrides: [] },
        }),
        panel({ id: 3, title: "Open windows" }),
      ],
      { version: 9, id: 4 },
    ),
    "dashboards/f/server.json": dashboard([panel()], { uid: "server", title: "Server" }),
    "alerting/rule-groups/client.json": {
      title: "client",
      folderUid: "f",
      rules: [
        rule("ClientConnectionErrors", {
          for: "10m",
          data: [
            { refId: "A", datasourceUid: "p", model: { expr: "sum(rate(kicktalk_connection_errors_total[10m]))" } },
            { refId: "C", datasourceUid: "__expr__", model: { type: "threshold", conditions: [{ evaluator: { type: "gt", params: [0.1] } }] } },
          ],
        }),
      ],
    },
    "alerting/mute-timings.json": [{ name: "maintenance", time_intervals: [{ weekdays: ["saturday"] }] }],
  },
  "second",
);

describe("npm run diff review", () => {
  const md = reviewMarkdown(generatedFilesAt(base, repo), generatedFilesAt(head, repo), base.slice(0, 7));

  it("summarises added, removed and changed dashboards and alerts", () => {
    expect(md).toContain("**Dashboards:** 1 added, 0 removed, 1 changed · **Alerts:** 0 added, 1 removed, 1 changed · **Other files:** 0 added, 0 removed, 1 changed");
    expect(md).toContain("- ➕ added: Server (`server`) — 1 panels");
    expect(md).toContain("- ➖ removed: ClientGone (warning, group client, for 5m)");
  });

  it("shows each changed query, unit, threshold and `for` old → new", () => {
    expect(md).toContain(
      '| panel "Reconnects" query A | `sum(rate(kicktalk_websocket_reconnections_total[$__rate_interval]))` | `sum by (reason) (rate(kicktalk_websocket_reconnections_total[$__rate_interval]))` |',
    );
    expect(md).toContain('| panel "Reconnects" unit | `short` | `reqps` |');
    expect(md).toContain('| panel "Reconnects" thresholds | `[{"color":"green","value":null}]` | `[{"color":"green","value":null},{"color":"red","value":5}]` |');
    expect(md).toContain("| for | `5m` | `10m` |");
    expect(md).toContain('| threshold C | `[{"type":"gt","params":[0.05]}]` | `[{"type":"gt","params":[0.1]}]` |');
    expect(md).toContain('| panel "DOM nodes" removed |');
    expect(md).toContain('| panel "Open windows" added |');
    expect(md).toContain("| [name=maintenance].time_intervals[0].weekdays[0] | `sunday` | `saturday` |");
  });

  it("ignores server-managed fields", () => {
    expect(md).not.toMatch(/\| (version|id) \|/);
  });

  it("says so when nothing changed, and names a bad ref", () => {
    expect(reviewMarkdown(generatedFilesAt(head, repo), generatedFilesAt(head, repo), "x")).toContain("No content changes.");
    expect(() => generatedFilesAt("no-such-ref", repo)).toThrow("--base no-such-ref: not a commit in this repository");
  });
});
