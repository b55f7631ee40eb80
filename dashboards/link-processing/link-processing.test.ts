// Seed 004's telemetry page: its stat cards, named for what the data counts, and the activity
// figures it derives (links today, this week, the change from last week).
import type { Panel, RowPanel } from "@grafana/grafana-foundation-sdk/dashboard";
import { describe, expect, it } from "vitest";
import { linkProcessing } from "./dashboard.ts";

const panels = (linkProcessing().dashboard.panels ?? []).flatMap((p) => (p.type === "row" ? (p as RowPanel).panels : [p as Panel]));
const panel = (title: string) => {
  const p = panels.find((x) => x.title === title);
  if (!p) throw new Error(`no panel "${title}"; panels: ${panels.map((x) => x.title).join(", ")}`);
  return p;
};
const exprs = (p: Panel) => ((p.targets ?? []) as { expr?: string }[]).map((t) => t.expr ?? "");

describe("link processing (seed 004)", () => {
  it("has the seed's four cards, named for what they count", () => {
    expect(["Links created", "Processed", "Pending processing", "Failed"].map((t) => panel(t).type)).toEqual(["stat", "stat", "stat", "stat"]);
    // Processing outcomes are not "completed" links: nothing says a user marked a link done.
    expect(panels.map((p) => p.title)).not.toContain("Completed");
    expect(panel("Processed").description).toMatch(/no signal/);
    expect(exprs(panel("Processed"))[0]).toContain('status="completed"');
  });

  it("counts links today and this week over the panel's own relative time, whatever the dashboard's range", () => {
    expect(panel("Links today").timeFrom).toBe("now/d");
    expect(panel("Links this week").timeFrom).toBe("now/w");
    for (const t of ["Links today", "Links this week"]) expect(exprs(panel(t))).toEqual([exprs(panel("Links created"))[0]]);
  });

  it("compares this week so far with the same stretch a week earlier, with no value when last week had none", () => {
    const change = panel("Change from last week");
    expect(change.timeFrom).toBe("now/w");
    expect(change.fieldConfig?.defaults?.unit).toBe("percentunit");
    expect(change.fieldConfig?.defaults?.noValue).toBe("no links last week");
    const [expr] = exprs(change);
    const created = "increase(chat_server_links_created_total{deployment_environment_name=~\"$environment\", service_version=~\"$version\"}[$__range]";
    // (this week or 0) − last week, over last week where it is above 0.
    expect(expr).toBe(`(((sum (${created}))) or vector(0)) - sum (${created} offset 1w))) / (sum (${created} offset 1w)) > 0)`);
  });
});
