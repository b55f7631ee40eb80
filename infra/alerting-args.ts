// Grafana API alerting shapes (what the build writes) -> @pulumiverse/grafana args: rule
// groups, the notification policy tree and mute timings. Pure functions, tested directly.
import type * as grafana from "@pulumiverse/grafana";
import type { MuteTimingFile, NotificationPolicyFile, RouteFile, RuleGroupFile } from "./generated-content.ts";

type RuleInput = grafana.types.input.alerting.RuleGroupRule;
type PolicyInput = grafana.types.input.alerting.NotificationPolicyPolicy;
type IntervalInput = grafana.types.input.alerting.MuteTimingInterval;

/** The rules of a group. Queries' models go as JSON text, exactly as the build wrote them. */
export function ruleGroupRules(group: RuleGroupFile): RuleInput[] {
  return group.rules.map((rule) => ({
    uid: rule.uid,
    name: rule.title,
    condition: rule.condition,
    for: rule.for,
    keepFiringFor: rule.keep_firing_for,
    noDataState: rule.noDataState,
    execErrState: rule.execErrState,
    isPaused: rule.isPaused,
    labels: rule.labels,
    annotations: rule.annotations,
    datas: rule.data.map((d) => ({
      refId: d.refId,
      queryType: d.queryType,
      datasourceUid: d.datasourceUid,
      relativeTimeRange: { from: d.relativeTimeRange.from, to: d.relativeTimeRange.to },
      model: JSON.stringify(d.model),
    })),
    notificationSettings: rule.notification_settings && {
      contactPoint: rule.notification_settings.receiver,
      groupBies: rule.notification_settings.group_by,
      groupWait: rule.notification_settings.group_wait,
      groupInterval: rule.notification_settings.group_interval,
      repeatInterval: rule.notification_settings.repeat_interval,
      muteTimings: rule.notification_settings.mute_time_intervals,
      activeTimings: rule.notification_settings.active_time_intervals,
    },
  }));
}

/**
 * The provider nests child policies in fixed, distinct types five levels below the root
 * (NotificationPolicyPolicy … NotificationPolicyPolicyPolicyPolicyPolicy; the fifth has no
 * `policies` of its own).
 */
export const MAX_POLICY_DEPTH = 5;

function route(r: RouteFile, depth: number, where: string): PolicyInput {
  if (depth > MAX_POLICY_DEPTH) throw new Error(`notification policy ${where}: routes nest deeper than the provider's ${MAX_POLICY_DEPTH} levels`);
  return {
    contactPoint: r.receiver,
    groupBies: r.group_by ? [...r.group_by] : undefined,
    groupWait: r.group_wait,
    groupInterval: r.group_interval,
    repeatInterval: r.repeat_interval,
    continue: r.continue,
    matchers: r.object_matchers?.map(([label, match, value]) => ({ label, match, value })),
    muteTimings: r.mute_time_intervals ? [...r.mute_time_intervals] : undefined,
    activeTimings: r.active_time_intervals ? [...r.active_time_intervals] : undefined,
    policies: r.routes?.map((child, i) => route(child, depth + 1, `${where}.routes[${i}]`)),
  };
}

export function notificationPolicyArgs(policy: NotificationPolicyFile): Omit<grafana.alerting.NotificationPolicyArgs, "orgId"> {
  return {
    contactPoint: policy.receiver,
    // The provider requires group_by at the root; Grafana's own default is these two labels.
    groupBies: policy.group_by ? [...policy.group_by] : ["grafana_folder", "alertname"],
    groupWait: policy.group_wait,
    groupInterval: policy.group_interval,
    repeatInterval: policy.repeat_interval,
    policies: policy.routes?.map((r, i) => route(r, 1, `routes[${i}]`)),
  };
}

/** Contact point and mute timing names the tree refers to, so every one exists before it. */
export function policyReferences(policy: NotificationPolicyFile): { receivers: Set<string>; muteTimings: Set<string> } {
  const receivers = new Set<string>();
  const muteTimings = new Set<string>();
  const walk = (r: RouteFile) => {
    if (r.receiver) receivers.add(r.receiver);
    for (const m of [...(r.mute_time_intervals ?? []), ...(r.active_time_intervals ?? [])]) muteTimings.add(m);
    r.routes?.forEach(walk);
  };
  walk(policy);
  return { receivers, muteTimings };
}

/** Contact points and mute timings a rule group names in its rules' notification settings. */
export function ruleGroupReferences(group: RuleGroupFile): { receivers: Set<string>; muteTimings: Set<string> } {
  const receivers = new Set<string>();
  const muteTimings = new Set<string>();
  for (const rule of group.rules) {
    const ns = rule.notification_settings;
    if (ns === undefined) continue;
    receivers.add(ns.receiver);
    for (const m of [...(ns.mute_time_intervals ?? []), ...(ns.active_time_intervals ?? [])]) muteTimings.add(m);
  }
  return { receivers, muteTimings };
}

export function muteTimingIntervals(timing: MuteTimingFile): IntervalInput[] {
  return timing.time_intervals.map((t) => ({
    times: t.times?.map((x) => ({ start: x.start_time, end: x.end_time })),
    weekdays: t.weekdays,
    daysOfMonths: t.days_of_month,
    months: t.months,
    years: t.years,
    location: t.location,
  }));
}
