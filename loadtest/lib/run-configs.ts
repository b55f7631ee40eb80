// Shapes of the RUN_CONFIG files a k6 script reads (types only). The CI's runner writes one per
// run next to its results, as an example for running the scripts with your own k6.
import type { GatewayPayload } from "./gateway-plan.ts";
import type { GatewayShape, OverheadShape, ValidationShape } from "./profiles.ts";
import type { PlannedRequest, ValidationRoutes } from "./validation-plan.ts";
import type { OverheadRoutes } from "./overhead-plan.ts";

export interface ValidationConfig {
  readonly baseUrl: string;
  readonly wsUrl: string;
  /** 16 hex digits: the first half of every trace id of the run. */
  readonly runId: string;
  /** Every n-th message is sent with a sampled traceparent. */
  readonly sampleEvery: number;
  readonly shape: ValidationShape;
  readonly chatroomId: string;
  readonly channel: string;
  readonly routes: ValidationRoutes;
  readonly events: { readonly subscribe: string; readonly subscribed: string; readonly chatMessage: string };
  /** Every kind of request the plan sends, for exact per-(route, method, status) counts in the summary. */
  readonly plan: readonly PlannedRequest[];
}

export interface OverheadConfig {
  readonly baseUrl: string;
  readonly shape: OverheadShape;
  readonly chatroomId: string;
  readonly routes: OverheadRoutes;
}

export interface GatewayConfig {
  readonly otlpUrl: string;
  /** 16 hex digits, different for every step, filled into __RUN__. */
  readonly runId: string;
  readonly rate: number;
  readonly seconds: number;
  /** Pre-built OTLP/JSON bodies shaped like the client's exports, with their item counts. */
  readonly payloads: readonly GatewayPayload[];
}

export type { GatewayShape, PlannedRequest };
