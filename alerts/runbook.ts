// The one place that adds runbook_url: every alert links to its section of docs/runbooks.md,
// whose `## <AlertName>` heading GitHub anchors as the lower-cased name.
import type { AlertRule } from "./types.ts";

export const RUNBOOK_BASE_URL = "https://github.com/beacon-observability/beacon/blob/main/docs/runbooks.md";

export function runbookUrl(alertName: string): string {
  return `${RUNBOOK_BASE_URL}#${alertName.toLowerCase()}`;
}

/** Annotations of an alert; `value` is the template expression of its value in the target system. */
export function alertAnnotations(rule: AlertRule, value: string): Record<string, string> {
  return { summary: rule.summary, description: rule.description(value), runbook_url: runbookUrl(rule.name) };
}
