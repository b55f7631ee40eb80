// `npm run server`: the chat server on loopback with telemetry exporting to the local
// gateway (the OpenTelemetry Collector's OTLP/HTTP receiver). Configuration: server/config.ts.
import { ConfigError, loadConfig } from "./config.ts";
import type { ServerConfig } from "./config.ts";
import { createServerTelemetry } from "./telemetry/api-telemetry.ts";
import type { RunningTelemetry } from "./telemetry/sdk.ts";

let config: ServerConfig;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(2);
}

// Telemetry first: the server's telemetry comes from the providers the SDK registers (a meter
// taken before that stays a no-op).
// When it is off the SDK is not even loaded: "off" costs no SDK code or memory.
const running: RunningTelemetry = config.telemetry.enabled
  ? (await import("./telemetry/sdk.ts")).startTelemetry(config)
  : { enabled: false, telemetry: createServerTelemetry(), tailBuffer: undefined, shutdown: async () => ({ timedOut: false }) };
const { startChatServer } = await import("./app.ts");
const { StoreError } = await import("./store/database.ts");
let server: Awaited<ReturnType<typeof startChatServer>>;
try {
  server = await startChatServer(config, running.telemetry);
} catch (err) {
  if (!(err instanceof StoreError)) throw err;
  console.error(err.message);
  await running.shutdown();
  process.exit(2);
}

const t = config.telemetry;
console.log(`chat server listening on ${server.url} (WebSocket ${server.wsUrl})`);
if (running.enabled) {
  // Already loaded by sdk.ts; says whether the one-file SDK build was fresh (telemetry/otel.ts).
  const { sdkSource } = await import("./telemetry/otel.ts");
  const sdk = sdkSource === "build" ? "SDK from its one-file build" : "SDK from node_modules: run `npm run build:server-sdk` for the smaller build";
  console.log(
    `telemetry: OTLP/HTTP to ${t.otlpEndpoint} (traces sampled at ${t.sampleRatio * 100} %, forced sampling ${t.forcedSampling ? `on: errors, sign-in, requests >= ${t.slowRequestMs} ms` : "off"}; ${sdk})`,
  );
} else {
  console.log("telemetry: off (OTEL_SDK_DISABLED)");
}
console.log(
  config.store.path === ":memory:"
    ? "state: in memory, gone at exit (set CHAT_SERVER_DB_PATH to keep it)"
    : `state: SQLite ${config.store.path} (WAL, synchronous=${config.store.synchronous})`,
);

// SIGUSR2 asks every WebSocket client to reconnect (close code 4200), for reconnect testing.
process.on("SIGUSR2", () => console.log(`asked ${server.dropConnections()} WebSocket client(s) to reconnect`));

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down`);
  await server.close();
  const { timedOut } = await running.shutdown();
  console.log(timedOut ? `telemetry flush gave up after ${t.shutdownTimeoutMs} ms` : "telemetry flushed");
  process.exit(0);
}
process.once("SIGTERM", () => void stop("SIGTERM"));
process.once("SIGINT", () => void stop("SIGINT"));
