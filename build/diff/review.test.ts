// The review on a real git history: generated/ committed in a temp repo, then reviewed between
// commits; and the pull-request comment the CI posts from it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { afterAll, describe, expect, it } from "vitest";
import { stableJson } from "../json.ts";
import { COMMENT_LIMIT, REVIEW_MARKER, reviewComment } from "./comment.ts";
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

// A dashboard with rows, numbered as the build numbers it (dashboards/common/dashboard.ts: 1…n in
// layout order, rows included), so a panel moved into another row shifts the ids after it.
const q = (expr: string) => [{ refId: "A", expr }];
const chat = (layout: [string, [string, string][]][]) => {
  let id = 0;
  const panels = layout.flatMap(([row, children], r) => [
    { id: ++id, type: "row", title: row, collapsed: false, gridPos: { x: 0, y: r * 10, w: 24, h: 1 }, panels: [] },
    ...children.map(([title, expr], i) => ({ id: ++id, type: "timeseries", title, gridPos: { x: (i % 2) * 12, y: r * 10 + 1, w: 12, h: 8 }, targets: q(expr) })),
  ]);
  return { uid: "chat", title: "Chat", panels };
};
const SENT = "sum(rate(kicktalk_messages_sent_total[$__rate_interval]))";
const DURATION = "histogram_quantile(0.95, sum by (le) (rate(kicktalk_message_send_duration_seconds_bucket[$__rate_interval])))";
const RECONNECTS = "sum(rate(kicktalk_websocket_reconnections_total[$__rate_interval]))";
const CONNECTIONS = "sum(kicktalk_websocket_connections_active)";

const before = commit(
  { "dashboards/f/chat.json": chat([["Messages", [["Messages sent", SENT], ["Send duration", DURATION]]], ["WebSocket", [["Reconnects", RECONNECTS], ["Connections", CONNECTIONS]]]]) },
  "rows",
);
// "Messages sent" renamed; "Send duration" moved to the WebSocket row (every id after it shifts).
const renamedAndMoved = commit(
  { "dashboards/f/chat.json": chat([["Messages", [["Messages delivered", SENT]]], ["WebSocket", [["Send duration", DURATION], ["Reconnects", RECONNECTS], ["Connections", CONNECTIONS]]]]) },
  "rename and move",
);
// The row renamed, and two panels swapped inside it.
const rowRenamed = commit(
  { "dashboards/f/chat.json": chat([["Messages", [["Messages delivered", SENT]]], ["Connection", [["Send duration", DURATION], ["Connections", CONNECTIONS], ["Reconnects", RECONNECTS]]]]) },
  "row rename",
);

describe("panels and rows matched by id", () => {
  const renameMove = reviewMarkdown(generatedFilesAt(before, repo), generatedFilesAt(renamedAndMoved, repo), "before");

  it("reads a renamed panel as one panel with a new title, its query not repeated", () => {
    expect(renameMove).toContain('| panel "Messages delivered" title | `Messages sent` | `Messages delivered` |');
    expect(renameMove).not.toMatch(/➕|➖|" (added|removed) \|/);
    expect(renameMove.split(SENT.replace(/\|/g, "\\|")).length - 1).toBe(0);
  });

  it("reads a panel moved to another row as moved, and the panels whose ids shifted as unchanged", () => {
    const rows = renameMove.split("\n").filter((l) => l.startsWith("  | panel"));
    expect(rows).toEqual(['  | panel "Messages delivered" title | `Messages sent` | `Messages delivered` |', '  | panel "Send duration" moved | `row "Messages"` | `row "WebSocket"` |']);
  });

  it("reads a renamed row as a title change and a swap inside a row as moves", () => {
    const md = reviewMarkdown(generatedFilesAt(renamedAndMoved, repo), generatedFilesAt(rowRenamed, repo), "x");
    expect(md).toContain('| row "Connection" title | `WebSocket` | `Connection` |');
    expect(md).toContain('| panel "Connections" moved | `row "WebSocket", panel 3` | `row "Connection", panel 2` |');
    expect(md).toContain('| panel "Reconnects" moved | `row "WebSocket", panel 2` | `row "Connection", panel 3` |');
    expect(md).not.toContain('panel "Send duration"');
    expect(md).not.toMatch(/➕|➖|" (added|removed) \|/);
  });
});

describe("the pull-request comment", () => {
  const review = reviewMarkdown(generatedFilesAt(base, repo), generatedFilesAt(head, repo), "origin/main");

  it("is the review behind a hidden marker, the same text for the same change", () => {
    const comment = reviewComment(review, "origin/main");
    expect(comment.startsWith(`${REVIEW_MARKER}\n## Beacon content review: \`origin/main\` → working tree`)).toBe(true);
    expect(comment).toBe(`${REVIEW_MARKER}\n${review.trimEnd()}\n`);
    expect(reviewComment(review, "origin/main")).toBe(comment);
  });

  it("fits GitHub's limit, cut at a line and saying how to see the rest", () => {
    const long = `${review}\n${Array.from({ length: 4000 }, (_, i) => `  | panel "p${i}" query A | \`${"x".repeat(20)}\` | \`${"y".repeat(20)}\` |`).join("\n")}`;
    const comment = reviewComment(long, "origin/main");
    expect(comment.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(comment.startsWith(REVIEW_MARKER)).toBe(true);
    expect(comment).toMatch(/\n\n… \d+ more lines not shown \(comment size limit\): run `npm run diff -- --base origin\/main` for the whole review\.\n$/);
    const shown = comment.split("\n").filter((l) => l.startsWith('  | panel "p')).length;
    expect(shown).toBeGreaterThan(500);
    expect(comment).toContain(`${4000 - shown} more lines`);
  });

  it("is updated in place on the next push, not posted again", async () => {
    const upsert = createRequire(import.meta.url)("../../.github/scripts/upsert-comment.cjs") as ((a: unknown) => Promise<{ action: string; id: number }>) & { MARKER: string };
    expect(upsert.MARKER).toBe(REVIEW_MARKER);
    const comments: { id: number; body: string; user: { type: string } }[] = [{ id: 1, body: "LGTM", user: { type: "User" } }];
    const github = {
      paginate: async (_f: unknown, _o: unknown) => comments.map((c) => ({ ...c })),
      rest: {
        issues: {
          listComments: () => undefined,
          createComment: async ({ body }: { body: string }) => {
            comments.push({ id: comments.length + 1, body, user: { type: "Bot" } });
            return { data: { id: comments.length } };
          },
          updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
            const c = comments.find((x) => x.id === comment_id);
            if (c) c.body = body;
          },
        },
      },
    };
    const context = { repo: { owner: "o", repo: "r" }, issue: { number: 7 } };
    expect(await upsert({ github, context, body: reviewComment(review, "origin/main") })).toEqual({ action: "created", id: 2 });
    expect(await upsert({ github, context, body: reviewComment("## Beacon content review\n\nNo content changes.", "origin/main") })).toEqual({ action: "updated", id: 2 });
    expect(comments).toHaveLength(2);
    expect(comments[1]?.body).toContain("No content changes.");
    await expect(upsert({ github, context, body: "no marker" })).rejects.toThrow(/must start with <!-- beacon-content-review -->/);
  });
});

