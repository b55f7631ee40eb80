// What a chat server under load test needs besides its defaults. The profiles post from one
// account at up to 400 messages per second (overhead, stress); the server's default limit is
// for people (20 at once, 2/s per account, CHAT_SERVER_RATE_POSTS_PER_ACCOUNT). Everything
// else the load sends (one registration and sign-in, at most 10 WebSocket subscribers, no bad
// tokens) is within the defaults. Pass this to a server you start for k6 (loadtest/README.md).
export const LOADTEST_SERVER_ENV: Readonly<Record<string, string>> = {
  CHAT_SERVER_RATE_POSTS_PER_ACCOUNT: "1000/1s",
};
