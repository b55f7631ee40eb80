// Every rule group, in the order files and docs list them.
import type { RuleGroup } from "../types.ts";
import { GROUP as clientApi } from "./client-api.ts";
import { GROUP as clientConnections } from "./client-connections.ts";
import { GROUP as clientMessaging } from "./client-messaging.ts";
import { GROUP as clientResources } from "./client-resources.ts";
import { GROUP as linkProcessing } from "./link-processing.ts";
import { GROUP as telemetryPipeline } from "./telemetry-pipeline.ts";
import { ALL_SLOS } from "../../catalog/index.ts";
import { sloRuleGroup } from "../slo/group.ts";

export const RULE_GROUPS: readonly RuleGroup[] = [
  clientConnections,
  clientMessaging,
  clientApi,
  clientResources,
  linkProcessing,
  telemetryPipeline,
  // One group per SLO (catalog/slos.ts): they replace the static 5xx and latency alerts of the
  // chat server and the client's message-send failure alert.
  ...ALL_SLOS.map(sloRuleGroup),
];
