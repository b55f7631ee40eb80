// alertFiles(): every alerting file the build writes, by path relative to generated/.
import { stableJson } from "../build/json.ts";
import { contactPoints } from "./contact-points.ts";
import { RULE_GROUPS } from "./groups/index.ts";
import { maintenanceMuteTiming, toApiMuteTiming } from "./mute-timings.ts";
import { notificationPolicy } from "./notification-policy.ts";
import { grafanaRuleGroup } from "./render/grafana.ts";
import { prometheusRuleYaml } from "./render/prometheus.ts";
import { alertingProvisioning } from "./render/provisioning.ts";
import { promtoolTestYaml, RULES_DIR, ruleFileName, TESTS_DIR, testFileName } from "./render/promtool.ts";
import { assertValidRuleGroups } from "./validate.ts";

export const RULE_GROUPS_DIR = "alerting/rule-groups";

export function alertFiles(): Record<string, string> {
  assertValidRuleGroups(RULE_GROUPS);
  const files: Record<string, string> = {};
  const grafanaGroups = RULE_GROUPS.map((g) => ({ group: grafanaRuleGroup(g), interval: g.interval }));
  RULE_GROUPS.forEach((g, i) => {
    files[`${RULE_GROUPS_DIR}/${g.name}.json`] = stableJson(grafanaGroups[i]?.group);
  });
  const points = contactPoints();
  const policy = notificationPolicy();
  const muteTimings = [toApiMuteTiming(maintenanceMuteTiming())];
  files["alerting/contact-points.json"] = stableJson(points);
  files["alerting/notification-policy.json"] = stableJson(policy);
  files["alerting/mute-timings.json"] = stableJson(muteTimings);
  files["provisioning/alerting/beacon.yaml"] = alertingProvisioning({ groups: grafanaGroups, contactPoints: points, policy, muteTimings });
  for (const g of RULE_GROUPS) {
    files[`${RULES_DIR}/${ruleFileName(g)}`] = prometheusRuleYaml(g);
    files[`${TESTS_DIR}/${testFileName(g)}`] = promtoolTestYaml(g);
  }
  return files;
}
