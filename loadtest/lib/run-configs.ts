// Shapes of the RUN_CONFIG files the runner writes for each script (types only).
import type { GatewayShape, OverheadShape, ValidationShape } from "./profiles.ts";

/** One request the validation plan sends: route template (the metric label) and expected status. */
export interface PlannedRequest {
  readonly route: string;
  readonly method: string;
  readonly status: number;
}

export interface ValidationConfig {
  readonly baseUrl: string;
  readonly wsUrl: string;
  readonly runId: string;
  /** Every n-th message is sent with a sampled traceparent. */
  readonly sampleEvery: number;
  readonly shape: ValidationShape;
  readonly chatroomId: string;
  readonly channel: string;
  readonly routes: { readonly signIn: string; readonly health: string; readonly messages: string; readonly chatroom: string };
  readonly events: { readonly subscribe: string; readonly subscribed: string; readonly chatMessage: string };
  /** Everything k6 may send, for exact per-(route, method, status) counts in the summary. */
  readonly plan: readonly PlannedRequest[];
}

export interface OverheadConfig {
  readonly baseUrl: string;
  readonly shape: OverheadShape;
  readonly chatroomId: string;
  readonly routes: { readonly health: string; readonly signIn: string; readonly messages: string; readonly chatroom: string };
}

export interface GatewayConfig {
  readonly otlpUrl: string;
  /** 16 hex digits, different for every step, filled into __RUN__. */
  readonly runId: string;
  readonly rate: number;
  readonly seconds: number;
  /** Pre-built OTLP/JSON bodies shaped like the client's exports, with their item counts. */
  readonly payloads: readonly { readonly signal: "traces" | "metrics" | "logs"; readonly body: string; readonly items: number }[];
}

export type { GatewayShape };
