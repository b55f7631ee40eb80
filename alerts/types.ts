// Public types of the alert declarations. One AlertRule declaration is rendered twice
// (Grafana-managed rule and Prometheus rule) and tested once with promtool, so nothing
// about an alert is ever written in two places.
import type { Matchers } from "../queries/promql.ts";
import type { MetricDecl } from "../catalog/index.ts";

export type Severity = "critical" | "warning" | "info";

/** Prometheus duration as rule files and Grafana both accept it: "5m", "1h30m". */
export type Duration = string;

/** `query > threshold` (or <): the threshold stays out of the query so Grafana can apply it in a threshold expression. */
export interface ThresholdCondition {
  readonly kind: "threshold";
  /** PromQL returning the value to compare; no comparison operator at its top level. */
  readonly query: string;
  readonly op: ">" | "<";
  /** Key of the threshold in the group's THRESHOLDS config. */
  readonly thresholdName: string;
  readonly threshold: number;
}

/** A series that must always exist has been missing for `window`. */
export interface AbsentCondition {
  readonly kind: "absent";
  readonly metric: MetricDecl;
  readonly matchers: Matchers;
  readonly window: Duration;
  /** A histogram's series to look for: its `_count`, written with every observation. */
  readonly part?: "count";
}

/** One window pair of a multi-window, multi-burn-rate alert (SRE workbook, chapter 5). */
export interface BurnWindowPair {
  /** Burn rate: 1 spends exactly the budget over the SLO period. */
  readonly factor: number;
  readonly long: Duration;
  readonly short: Duration;
}

/**
 * Multi-window burn rate: `query` already keeps only the series where some pair burns faster
 * than its factor over both its windows (its value: the burn rate over that pair's long
 * window), so the alert fires on any sample. Prometheus reads the recorded error ratios;
 * Grafana evaluates `grafanaQuery`, the same condition on the raw series, because its managed
 * rules cannot count on the recording rules being loaded in the metrics backend.
 */
export interface BurnRateCondition {
  readonly kind: "burn";
  readonly query: string;
  readonly grafanaQuery: string;
  readonly slo: string;
  readonly pairs: readonly BurnWindowPair[];
}

export type AlertCondition = ThresholdCondition | AbsentCondition | BurnRateCondition;

/** The panel that shows an alert's condition: a dashboard uid and the panel's title on it. */
export interface PanelRef {
  readonly dashboardUid: string;
  readonly panelTitle: string;
}

export interface AlertRule {
  /** PascalCase `<Component><Symptom>`; also the Grafana rule title and the runbook anchor. */
  readonly name: string;
  readonly severity: Severity;
  /** `service` label: what notifications group by. */
  readonly service: string;
  readonly for: Duration;
  readonly condition: AlertCondition;
  /** One line, no value: the notification title. */
  readonly summary: string;
  /**
   * Templated description. `value` is the Go-template expression of the evaluated value,
   * which differs between Prometheus (`$value`) and Grafana (`$values.B.Value`).
   */
  readonly description: (value: string) => string;
  /** Other named thresholds the query embeds (traffic floors), reported with the rule. */
  readonly alsoUses?: Readonly<Record<string, number>>;
  /** Where a responder sees the condition: becomes `__dashboardUid__` and `__panelId__`. */
  readonly panel: PanelRef;
}

/** A Prometheus recording rule, named `level:metric:operation`. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

/** One input series of a promtool test, in promtool's expanding notation ("0+60x30"). */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

export interface ExpectedAlert {
  /** Every label of the alert except alertname (promtool compares the whole set). */
  readonly labels: Readonly<Record<string, string>>;
  /** The rendered description; summary and runbook_url come from the rule. */
  readonly description: string;
}

interface CaseBase {
  readonly alert: string;
  readonly evalTime: Duration;
  readonly input: readonly InputSeries[];
}

/** The alert must fire at evalTime with exactly these instances. */
export interface FiringCase extends CaseBase {
  readonly fires: readonly [ExpectedAlert, ...ExpectedAlert[]];
}

/** The alert must not fire at evalTime; `why` says what makes this input healthy. */
export interface QuietCase extends CaseBase {
  readonly fires: readonly [];
  readonly why: string;
}

export type AlertCase = FiringCase | QuietCase;

export interface RecordingCase {
  readonly record: string;
  readonly evalTime: Duration;
  readonly input: readonly InputSeries[];
  /** Expected samples: labels (without __name__) and value. */
  readonly samples: readonly { readonly labels: Readonly<Record<string, string>>; readonly value: number }[];
}

/** One rule group: one module under alerts/groups/, one Grafana group, one Prometheus file. */
export interface RuleGroup {
  /** kebab-case; file names and the Grafana group title derive from it. */
  readonly name: string;
  /** Evaluation interval; also the promtool evaluation_interval. */
  readonly interval: Duration;
  readonly thresholds: Readonly<Record<string, number>>;
  readonly recordings: readonly RecordingRule[];
  readonly alerts: readonly AlertRule[];
  readonly alertCases: readonly AlertCase[];
  readonly recordingCases: readonly RecordingCase[];
}

/** The structured view of one alert that the lint and the diff read (ALERT_RULES). */
export interface AlertRuleSummary {
  readonly name: string;
  readonly group: string;
  /** The Prometheus expression, comparison included. */
  readonly expr: string;
  /** The query Grafana evaluates as A (for absent rules: the presence query). */
  readonly grafanaQuery: string;
  readonly for: Duration;
  readonly severity: Severity;
  readonly labels: Readonly<Record<string, string>>;
  /** Prometheus-form annotations, runbook_url included. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly thresholds: Readonly<Record<string, number>>;
}
