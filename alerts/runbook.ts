// The one place that adds runbook_url and the panel link: every alert links to its section of
// the runbooks, whose `## <AlertName>` heading GitHub anchors as the lower-cased name. Where
// the runbooks live is configuration (BEACON_RUNBOOK_BASE_URL), not a constant: a fork or an
// internal wiki sets it at build time.
import { panelAnnotations } from "./panel-links.ts";
import type { AlertRule } from "./types.ts";

export const RUNBOOK_BASE_URL_ENV = "BEACON_RUNBOOK_BASE_URL";
/** Used when BEACON_RUNBOOK_BASE_URL is unset: docs/runbooks.md of this repository. */
export const DEFAULT_RUNBOOK_BASE_URL = "https://github.com/beacon-observability/beacon/blob/main/docs/runbooks.md";

/** The configured base URL; fails loudly, naming the variable, when it is not an http(s) URL. */
export function runbookBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env[RUNBOOK_BASE_URL_ENV]?.trim();
  if (raw === undefined || raw === "") return DEFAULT_RUNBOOK_BASE_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${RUNBOOK_BASE_URL_ENV}="${raw}" is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`${RUNBOOK_BASE_URL_ENV}="${raw}" must be an http(s) URL`);
  if (url.hash !== "") throw new Error(`${RUNBOOK_BASE_URL_ENV}="${raw}" must not have a #fragment: the alert name is appended as one`);
  return raw;
}

/** The resolved base URL at build time. */
export const RUNBOOK_BASE_URL = runbookBaseUrl();

export function runbookUrl(alertName: string, base = RUNBOOK_BASE_URL): string {
  return `${base}#${alertName.toLowerCase()}`;
}

/** Annotations of an alert; `value` is the template expression of its value in the target system. */
export function alertAnnotations(rule: AlertRule, value: string): Record<string, string> {
  return { summary: rule.summary, description: rule.description(value), runbook_url: runbookUrl(rule.name), ...panelAnnotations(rule.panel) };
}
