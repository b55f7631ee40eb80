// The notification policy tree: routed by the severity label every alert carries.
// critical → pager (PagerDuty + webhook), warning → Slack, info → email.
import { NotificationPolicyBuilder, type NotificationPolicy } from "@grafana/grafana-foundation-sdk/alerting";
import { RECEIVERS } from "./contact-points.ts";
import { SERVICE_LABEL, SEVERITY_LABEL } from "./labels.ts";
import { MAINTENANCE_WINDOW } from "./mute-timings.ts";
import type { Severity } from "./types.ts";

/** One notification per alert and service; Grafana's own grafana_folder adds nothing here. */
export const GROUP_BY = ["alertname", SERVICE_LABEL];

const route = (severity: Severity, receiver: string) =>
  new NotificationPolicyBuilder().receiver(receiver).objectMatchers([[SEVERITY_LABEL, "=", severity]]);

export function notificationPolicy(): NotificationPolicy {
  return new NotificationPolicyBuilder()
    // Anything without a known severity still reaches someone, by email.
    .receiver(RECEIVERS.email)
    .groupBy(GROUP_BY)
    .groupWait("30s")
    .groupInterval("5m")
    .repeatInterval("4h")
    .routes([
      // Pages go out during maintenance too, and fast.
      route("critical", RECEIVERS.pager).groupWait("10s").groupInterval("1m").repeatInterval("1h"),
      route("warning", RECEIVERS.slack).repeatInterval("4h").muteTimeIntervals([MAINTENANCE_WINDOW]),
      route("info", RECEIVERS.email).groupInterval("30m").repeatInterval("24h").muteTimeIntervals([MAINTENANCE_WINDOW]),
    ])
    .build();
}
