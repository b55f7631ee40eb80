import { describe, expect, it } from "vitest";
import { overheadIterationRequests, overheadSetupRequests } from "./overhead-plan.ts";

const ctx = { chatroomId: "1001", routes: { health: "/healthz", register: "/api/auth/register", signIn: "/api/auth/sign-in", messages: "/api/chatrooms/:id/messages", chatroom: "/api/chatrooms/:id" } };

describe("overhead plan", () => {
  it("checks health, registers and signs in once", () => {
    const account = '{"username":"loadtest_overhead","password":"loadtest password 0001"}';
    expect(overheadSetupRequests(ctx).map((r) => [r.method, r.path, r.status, r.body])).toEqual([
      ["GET", "/healthz", 200, null],
      ["POST", "/api/auth/register", 201, account],
      ["POST", "/api/auth/sign-in", 200, account],
    ]);
  });

  it("reads the room, then posts a message with the token, per iteration", () => {
    const [read, post] = overheadIterationRequests(ctx, "tok");
    expect([read?.method, read?.path, read?.route, read?.status]).toEqual(["GET", "/api/chatrooms/1001", "/api/chatrooms/:id", 200]);
    expect([post?.method, post?.path, post?.route, post?.status]).toEqual(["POST", "/api/chatrooms/1001/messages", "/api/chatrooms/:id/messages", 201]);
    expect(post?.headers).toEqual({ authorization: "Bearer tok", "content-type": "application/json" });
    expect(overheadIterationRequests(ctx, "tok")).toHaveLength(2);
  });
});
