// A child process running the telemetry layer as the app does (globals registered),
// for the kill -9 test. MODE=queue records COUNT spans and log records, prints QUEUED and
// idles until killed (its flush interval is an hour, so nothing is sent). MODE=drain starts
// on the same data dir, flushes what the journal replayed, prints DRAINED and exits.
import { createTelemetry } from "../telemetry.ts";
import { DEFAULT_CONFIG } from "../config.ts";
import { UNTHROTTLED } from "./test-config.ts";

const mode = process.env.MODE;
const count = Number(process.env.COUNT ?? "50");
const telemetry = createTelemetry(
  {
    ...DEFAULT_CONFIG,
    enabled: true,
    endpoint: process.env.ENDPOINT ?? "",
    dataDir: process.env.DATA_DIR ?? "",
    sampleRatio: 1,
    sampledTracesPerMinute: UNTHROTTLED,
    flushIntervalMs: 3_600_000,
    serviceVersion: "9.9.9",
  },
  { registerGlobal: true },
);

if (mode === "queue") {
  for (let i = 0; i < count; i++) {
    const span = telemetry.tracer.startSpan("store:set", { attributes: { "store.key": `key-${i}`, "test.seq": i } });
    span.end();
    telemetry.log({ type: "log", severity: "warn", body: `queued record ${i}`, attributes: { area: "store" } });
  }
  process.stdout.write(`QUEUED ${JSON.stringify(telemetry.status())}\n`);
  setInterval(() => undefined, 60_000);
} else {
  await telemetry.flush();
  process.stdout.write(`DRAINED ${JSON.stringify(telemetry.status())}\n`);
  await telemetry.shutdown(5000);
  process.exit(0);
}
