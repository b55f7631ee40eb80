// The overhead load, request by request, shared by the k6 script (loadtest/overhead.ts) and the
// CI's generator (loadtest/runner/overhead.ts, vegeta). A read and a write per iteration, like a
// chat client: open a room, post a message. Pure: no k6 or Node APIs.
import { accountRequests } from "./validation-plan.ts";
import type { PlanRequest } from "./validation-plan.ts";

export interface OverheadRoutes {
  readonly health: string;
  readonly register: string;
  readonly signIn: string;
  readonly messages: string;
  readonly chatroom: string;
}

export interface OverheadPlanContext {
  readonly chatroomId: string;
  readonly routes: OverheadRoutes;
}

const JSON_HEADERS = { "content-type": "application/json" } as const;

/**
 * Setup, once before the load: the server must be healthy, then one user registers and signs in
 * (health, register, sign-in). The name is fixed: each run is against a freshly started server.
 */
export function overheadSetupRequests(ctx: OverheadPlanContext): readonly PlanRequest[] {
  return [
    { route: ctx.routes.health, method: "GET", status: 200, path: ctx.routes.health, headers: {}, body: null, check: "healthy (200)" },
    ...accountRequests(ctx.routes, "loadtest_overhead"),
  ];
}

/** The two requests of every iteration, in the order they are sent. */
export function overheadIterationRequests(ctx: OverheadPlanContext, token: string): readonly PlanRequest[] {
  return [
    { route: ctx.routes.chatroom, method: "GET", status: 200, path: ctx.routes.chatroom.replace(":id", ctx.chatroomId), headers: {}, body: null, check: "room read (200)" },
    {
      route: ctx.routes.messages,
      method: "POST",
      status: 201,
      path: ctx.routes.messages.replace(":id", ctx.chatroomId),
      headers: { authorization: `Bearer ${token}`, ...JSON_HEADERS },
      body: JSON.stringify({ content: "overhead run: hello chat" }),
      check: "message accepted (201)",
    },
  ];
}
