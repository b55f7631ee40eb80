// Alerting, live: every generated alert rule is loaded in the running Prometheus, and one
// alert's condition is provoked through the real pipeline until Alertmanager shows it firing.
//
// The provoked alert is the client-api-success SLO's page, ClientApiSuccessErrorBudgetPage: the
// probe pushes kicktalk_api_requests with status 500 to the collector over OTLP/HTTP, as a client
// would, under its own service.namespace (so its `job` never mixes with real clients'). The SLO's
// recording rules (evaluated every minute) record its error ratio as 1 over every window, a burn
// of 1000× the 0.1 % budget, and its traffic passes the SLO's floor (events in the last hour)
// within seconds; the generated page then goes pending. Its `for: 1m` and its group's 1-minute
// interval are slow for CI, so the probe also loads a copy of that exact rule (same expr, labels
// and annotations, plus e2e="provoked") with `for: 0s` and a 5 s interval, and waits for
// Alertmanager to hold it. The copy is removed again at the end.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import type { Manifest } from "../build/manifest.ts";
import { GENERATED_DIR } from "../build/manifest.ts";
import type { PrometheusRule, PrometheusRuleFile } from "../alerts/render/prometheus.ts";
import { CLIENT_SERVICE, LABELS, METRICS, SLOS } from "../catalog/index.ts";
import { pageAlertName } from "../alerts/slo/group.ts";
import { alertmanagerAlerts, BackendError, type StackEndpoints } from "../stack/clients/backends.ts";
import { waitFor } from "../stack/runner/stack-wait.ts";
import { REPO_ROOT } from "../stack/runner/tools.ts";

export const PROVOKED_ALERT = pageAlertName(SLOS.clientApiSuccess);
const PROBE_NAMESPACE = "e2e-alert-probe";
/** Prometheus builds `job` as "<service.namespace>/<service.name>". */
export const PROBE_JOB = `${PROBE_NAMESPACE}/${CLIENT_SERVICE}`;
const PROVOKED_FILE = "e2e-provoked.rules.yaml";


function generatedAlertRules(manifest: Manifest): PrometheusRule[] {
  return manifest.prometheusRuleFiles.flatMap((f) => {
    const doc = parse(readFileSync(join(REPO_ROOT, GENERATED_DIR, f), "utf8")) as PrometheusRuleFile;
    return doc.groups.flatMap((g) => g.rules.filter((r) => r.alert !== undefined));
  });
}

interface PromRulesResponse {
  data: { groups: { name: string; file: string; rules: { type: string; name: string; state?: string; health: string; lastError?: string; alerts?: { labels: Record<string, string>; state: string }[] }[] }[] };
}

async function promJson<T>(base: string, path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(new URL(path, base), { ...init, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  if (!res.ok) throw new BackendError(`Prometheus ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

const reload = (prom: string) => promJson(prom, "/-/reload", { method: "POST" });

/** Names of generated alerts the live Prometheus has not loaded, or has loaded unhealthy. */
export async function checkRulesLoaded(stack: StackEndpoints, manifest: Manifest): Promise<{ expected: number; loaded: number; problems: string[] }> {
  const expected = generatedAlertRules(manifest);
  let live = await promJson<PromRulesResponse>(stack.prometheus, "/api/v1/rules?type=alert");
  let names = new Set(live.data.groups.flatMap((g) => g.rules.map((r) => r.name)));
  if (expected.some((r) => !names.has(r.alert as string))) {
    // Prometheus may have started before `npm run build` wrote the rules: reload once.
    await reload(stack.prometheus);
    live = await promJson<PromRulesResponse>(stack.prometheus, "/api/v1/rules?type=alert");
    names = new Set(live.data.groups.flatMap((g) => g.rules.map((r) => r.name)));
  }
  const problems = expected.filter((r) => !names.has(r.alert as string)).map((r) => `alert ${r.alert} is not loaded in Prometheus`);
  for (const g of live.data.groups) {
    for (const r of g.rules) if (r.health === "err") problems.push(`alert ${r.name} (${g.file}) fails to evaluate: ${r.lastError}`);
  }
  return { expected: expected.length, loaded: expected.length - problems.length, problems };
}

/** One OTLP/JSON metrics request: a cumulative kicktalk_api_requests counter at `value`. */
function apiRequestsPayload(value: number, startNs: string, instance: string): string {
  const attr = (key: string, v: string) => ({ key, value: { stringValue: v } });
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [attr("service.name", CLIENT_SERVICE), attr("service.namespace", PROBE_NAMESPACE), attr("service.instance.id", instance)] },
        scopeMetrics: [
          {
            scope: { name: "beacon-e2e-alert-probe" },
            metrics: [
              {
                name: METRICS.apiRequests.name,
                unit: METRICS.apiRequests.unit,
                sum: {
                  // Cumulative: one running total per probe instance, which the gateway passes to remote
                  // write untouched (clients send deltas, which the local gateway adds up into the same).
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      attributes: [
                        attr(LABELS.API_ENDPOINT.name, "/api/chatrooms/:id/messages"),
                        attr(LABELS.HTTP_METHOD.name, "POST"),
                        attr(LABELS.HTTP_STATUS_CODE.name, "500"),
                      ],
                      startTimeUnixNano: startNs,
                      timeUnixNano: `${Date.now()}000000`,
                      asInt: String(value),
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  });
}

async function pushOtlp(stack: StackEndpoints, body: string): Promise<void> {
  const res = await fetch(new URL("/v1/metrics", stack.otlpHttp), { method: "POST", headers: { "content-type": "application/json" }, body });
  if (!res.ok) throw new BackendError(`collector /v1/metrics answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
}

export interface AlertProof {
  readonly alert: string;
  readonly pendingInPrometheus: boolean;
  readonly firingInAlertmanager: boolean;
  readonly detail: string;
}

/** Provokes PROVOKED_ALERT through a for:0s copy of its rule written to `scratchRulesDir`. */
export async function provokeAlert(stack: StackEndpoints, scratchRulesDir: string, manifest: Manifest, timeoutMs = 180_000): Promise<AlertProof> {
  const rule = generatedAlertRules(manifest).find((r) => r.alert === PROVOKED_ALERT);
  if (!rule) throw new Error(`no generated alert named ${PROVOKED_ALERT}: update e2e/alert-fire.ts`);
  const instance = randomBytes(4).toString("hex");
  const copy: PrometheusRuleFile = {
    groups: [{ name: "e2e-provoked", interval: "5s", rules: [{ ...rule, for: "0s", labels: { ...rule.labels, e2e: "provoked" } }] }],
  };
  const file = join(scratchRulesDir, PROVOKED_FILE);
  await writeFile(file, `# Written by e2e/alert-fire.ts for one run; removed when it ends.\n${stringify(copy)}`);
  try {
    await reload(stack.prometheus);
    // Cumulative points 5 s apart make increase() positive; every request failed with 500, and
    // 100 requests a push pass the SLO's floor of events per hour after a few pushes.
    const startNs = `${Date.now() - 60_000}000000`;
    let value = 100;
    await pushOtlp(stack, apiRequestsPayload(value, startNs, instance));
    const pushTimer = setInterval(() => {
      value += 100;
      void pushOtlp(stack, apiRequestsPayload(value, startNs, instance)).catch(() => undefined);
    }, 5_000);
    try {
      const firing = await waitFor(
        async () => (await alertmanagerAlerts(stack.alertmanager)).filter((a) => a.labels.alertname === PROVOKED_ALERT && a.labels.job === PROBE_JOB),
        (alerts) => alerts.some((a) => a.status.state === "active"),
        timeoutMs,
        2_000,
      ).then(
        () => true,
        () => false,
      );
      // The generated rule itself (its group evaluates every minute) must see the condition.
      const pending = await waitFor(
        async () => {
          const r = await promJson<PromRulesResponse>(stack.prometheus, "/api/v1/rules?type=alert");
          return r.data.groups
            .filter((g) => !g.file.endsWith(PROVOKED_FILE))
            .flatMap((g) => g.rules)
            .filter((x) => x.name === PROVOKED_ALERT)
            .flatMap((x) => x.alerts ?? [])
            .some((a) => a.labels.job === PROBE_JOB && (a.state === "pending" || a.state === "firing"));
        },
        (v) => v,
        90_000,
        2_000,
      ).then(
        () => true,
        () => false,
      );
      return {
        alert: PROVOKED_ALERT,
        pendingInPrometheus: pending,
        firingInAlertmanager: firing,
        detail: `job=${PROBE_JOB}: generated rule ${pending ? "pending" : "NOT pending"}, Alertmanager ${firing ? "firing" : "NOT firing"}`,
      };
    } finally {
      clearInterval(pushTimer);
    }
  } finally {
    await rm(file, { force: true });
    await reload(stack.prometheus).catch(() => undefined);
  }
}
