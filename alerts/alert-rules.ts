import { RULE_GROUPS } from "./groups/index.ts";
import { alertRuleSummaries } from "./summary.ts";
import type { AlertRuleSummary } from "./types.ts";

/** Every alert, flattened: what `npm run lint` and `npm run diff` read. */
export const ALERT_RULES: readonly AlertRuleSummary[] = alertRuleSummaries(RULE_GROUPS);
