export * from "./chat-api.ts";
export * from "./pusher.ts";
