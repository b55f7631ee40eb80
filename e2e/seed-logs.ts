// Seed 001's offline JSONL logs, imported the way `npm run logs:import` does (same parser, same
// push): one line of each event type the seed names (log, error, metric, event, vital; the vital
// rated poor), stamped within the session so the log panels and saved queries see them. This is
// the only path vital records take into Loki (the client reports vitals as metrics).
import { LOG_EVENTS } from "../catalog/index.ts";
import { importIdOf, parseJsonlLogs, toPushBatches } from "../stack/logs-import/jsonl-logs.ts";
import { pushToLoki } from "../stack/logs-import/loki-push.ts";

export function seedJsonl(now: number): string {
  const at = (s: number) => new Date(now - s * 1000).toISOString();
  return [
    { type: LOG_EVENTS.log.type, data: { level: "warn", message: "offline queue restored 12 events", area: "telemetry" }, timestamp: at(50) },
    { type: LOG_EVENTS.error.type, data: { message: "Failed to load emotes", name: "TypeError", area: "emote" }, timestamp: at(40) },
    { type: LOG_EVENTS.metric.type, data: { name: "chat_render", value: 18.5, unit: "ms" }, timestamp: at(30) },
    { type: LOG_EVENTS.event.type, data: { action: "join_chatroom", area: "chat" }, timestamp: at(20) },
    { type: LOG_EVENTS.vital.type, data: { name: "LCP", value: 4800, rating: "poor" }, timestamp: at(10) },
  ]
    .map((l) => JSON.stringify(l))
    .join("\n");
}

/** Imports the seed lines into Loki; returns how many entries Loki accepted. */
export async function importSeedLogs(lokiUrl: string, now = Date.now()): Promise<number> {
  const text = seedJsonl(now);
  const parsed = parseJsonlLogs(text);
  if (parsed.malformed.length > 0) throw new Error(`e2e seed logs malformed: ${JSON.stringify(parsed.malformed)}`);
  const outcome = await pushToLoki(lokiUrl, toPushBatches(parsed.entries, importIdOf(text)));
  if (outcome.failures.length > 0) throw new Error(`Loki refused the seed logs: ${outcome.failures.map((f) => f.error).join("; ")}`);
  return outcome.accepted;
}
