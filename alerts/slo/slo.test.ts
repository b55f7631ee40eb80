// The SLOs of the catalog become rule groups with every window recorded, the workbook's page
// and ticket pairs, and the promtool cases the issue asks for (the cases themselves run through
// the real promtool in alerts/promtool.test.ts).
import { describe, expect, it } from "vitest";
import { ALL_METRICS, ALL_SLOS, METRICS, SLOS, sloErrors, type SloDecl } from "../../catalog/index.ts";
import { RULE_GROUPS } from "../groups/index.ts";
import { isQuietCase } from "../define.ts";
import { ALERT_RULES } from "../alert-rules.ts";
import { pageAlertName, sloGroupName, ticketAlertName } from "./group.ts";
import { burnQuery, errorBudget, PAGE_PAIRS, SLO_WINDOWS, sloRecordName, TICKET_PAIRS } from "./rules.ts";

const groupOf = (slo: SloDecl) => RULE_GROUPS.find((g) => g.name === sloGroupName(slo))!;
const minutesOf = (d: string) => Number(/^(\d+)m$/.exec(d)?.[1]);

describe("SLOs", () => {
  it("cover the five objectives of the issue", () => {
    expect(ALL_SLOS.map((s) => s.id)).toEqual(["server-availability", "server-latency", "client-message-send", "client-api-success", "client-crash-free"]);
    expect(SLOS.clientMessageSend.sli).toMatchObject({ kind: "latency", thresholdSeconds: 2.5, good: { success: "true" } });
  });

  it("are rejected when they name a metric of the wrong kind, an undeclared label or a threshold off the buckets", () => {
    const bad: SloDecl[] = [
      { ...SLOS.serverAvailability, id: "a", sli: { kind: "errors", metric: METRICS.httpRequestDuration, bad: { nope: "1" } } },
      { ...SLOS.serverLatency, id: "b", sli: { kind: "latency", metric: METRICS.httpRequestDuration, thresholdSeconds: 0.7 } },
    ];
    expect(sloErrors(bad, ALL_METRICS)).toEqual([
      "slo a: metric chat_server_http_request_duration is a histogram, expected counter",
      "slo a: metric chat_server_http_request_duration has no label nope",
      "slo b: threshold 0.7 s is not a bucket boundary of chat_server_http_request_duration (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)",
    ]);
  });

  describe.each(ALL_SLOS.map((s) => [s.id, s] as const))("%s", (_id, slo) => {
    const g = groupOf(slo);

    it("records its error ratio over 5m, 30m, 1h, 2h, 6h, 1d and 3d", () => {
      expect(g.recordings.map((r) => r.record)).toEqual(SLO_WINDOWS.map((w) => sloRecordName(slo, w)));
      expect(SLO_WINDOWS).toEqual(["5m", "30m", "1h", "2h", "6h", "1d", "3d"]);
    });

    it("pages on 14.4× over 1h and 5m or 6× over 6h and 30m, and tickets on 3× over 1d and 2h or 1× over 3d and 6h", () => {
      expect(PAGE_PAIRS).toEqual([{ factor: 14.4, long: "1h", short: "5m" }, { factor: 6, long: "6h", short: "30m" }]);
      expect(TICKET_PAIRS).toEqual([{ factor: 3, long: "1d", short: "2h" }, { factor: 1, long: "3d", short: "6h" }]);
      const page = ALERT_RULES.find((a) => a.name === pageAlertName(slo))!;
      const ticket = ALERT_RULES.find((a) => a.name === ticketAlertName(slo))!;
      expect(page.severity).toBe("critical");
      expect(ticket.severity).toBe("warning");
      expect(page.expr).toBe(burnQuery(slo, PAGE_PAIRS, "recorded"));
      expect(page.expr).toContain(`(${sloRecordName(slo, "1h")}) / ${errorBudget(slo)} > 14.4 and (${sloRecordName(slo, "5m")}) / ${errorBudget(slo)} > 14.4`);
      expect(page.expr).toContain(`> ${slo.minEventsPerHour})`);
      // Grafana evaluates the same condition on the raw series: no recording rule in it.
      expect(page.grafanaQuery).not.toContain(":ratio_rate");
    });

    it("has the promtool cases: page within 2 minutes of an outage, quiet at 0.9×, resolved after recovery, quiet under the traffic floor", () => {
      const page = g.alertCases.filter((c) => c.alert === pageAlertName(slo));
      const outage = page.find((c) => !isQuietCase(c) && minutesOf(c.evalTime) === 62);
      expect(outage, "fires at minute 62 of an outage starting at minute 60").toBeDefined();
      const quiet = page.filter(isQuietCase);
      expect(quiet.filter((c) => c.why.includes("0.9 ×")).length).toBe(2);
      const resolved = quiet.find((c) => c.why.includes("resolved"))!;
      const duringOutage = page.find((c) => !isQuietCase(c) && c.input === resolved.input) ?? page.find((c) => !isQuietCase(c) && JSON.stringify(c.input) === JSON.stringify(resolved.input));
      expect(duringOutage, "the recovery input fires while the outage lasts").toBeDefined();
      expect(quiet.some((c) => c.why.includes("under the floor"))).toBe(true);
      const ticket = g.alertCases.filter((c) => c.alert === ticketAlertName(slo));
      expect(ticket.some((c) => !isQuietCase(c))).toBe(true);
      expect(ticket.some((c) => isQuietCase(c) && c.why.includes("0.9×"))).toBe(true);
    });

    it("links its alerts to the burn-rate panel of the SLO dashboard", () => {
      for (const a of ALERT_RULES.filter((x) => x.name === pageAlertName(slo) || x.name === ticketAlertName(slo))) {
        expect(a.annotations.__dashboardUid__).toBe("beacon-slos");
        expect(Number(a.annotations.__panelId__)).toBeGreaterThan(0);
      }
    });
  });
});
