// The labels every alert carries, in one place: notification routing matches `severity`
// and groups by `service`.
import type { AlertRule } from "./types.ts";

export const SEVERITY_LABEL = "severity";
export const SERVICE_LABEL = "service";

export function alertLabels(rule: AlertRule): Record<string, string> {
  return { [SEVERITY_LABEL]: rule.severity, [SERVICE_LABEL]: rule.service };
}

export const SEVERITIES = ["critical", "warning", "info"] as const satisfies readonly AlertRule["severity"][];
