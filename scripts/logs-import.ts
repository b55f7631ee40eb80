// npm run logs:import -- FILE.jsonl [--loki URL] [--tenant ID]
// Imports JSONL telemetry logs (seed 001's offline logs, the client's "export my data",
// OTLP/JSON log requests) into Loki with their original timestamps, labelled like the OTLP
// path so the same dashboards work. Malformed lines are listed with their line numbers and
// skipped; exit 1 only when Loki refused something or the file had nothing to import.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { IMPORT_LABEL, importIdOf, parseJsonlLogs, toPushBatches } from "../stack/logs-import/jsonl-logs.ts";
import { pushToLoki } from "../stack/logs-import/loki-push.ts";

const DEFAULT_LOKI = process.env.LOKI_URL ?? "http://127.0.0.1:3100";
const MAX_LISTED = 50;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { loki: { type: "string", default: DEFAULT_LOKI }, tenant: { type: "string" } },
});
if (positionals.length !== 1) {
  console.error("usage: npm run logs:import -- FILE.jsonl [--loki URL] [--tenant ID]");
  process.exit(2);
}
const file = positionals[0] as string;
let text: string;
try {
  text = readFileSync(file, "utf8");
} catch (err) {
  console.error(`logs:import: cannot read ${file}: ${(err as Error).message}`);
  process.exit(2);
}

const parsed = parseJsonlLogs(text);
for (const p of parsed.malformed.slice(0, MAX_LISTED)) console.error(`${file}:${p.line}: skipped, ${p.reason}`);
if (parsed.malformed.length > MAX_LISTED) console.error(`… and ${parsed.malformed.length - MAX_LISTED} more malformed lines`);

const importId = importIdOf(text);
const outcome = await pushToLoki(values.loki as string, toPushBatches(parsed.entries, importId), { tenant: values.tenant });
for (const f of outcome.failures) console.error(`${file}:${f.firstLine}-${f.lastLine}: Loki refused ${f.entries} entries: ${f.error}`);

const services = [...new Set(parsed.entries.map((e) => e.service))].join(", ") || "none";
console.log(
  `logs:import ${file} -> ${values.loki}: ${parsed.lines} lines, ${outcome.accepted} log entries imported (services: ${services}), ` +
    `${parsed.malformed.length} malformed, ${parsed.skipped.length} without logs, ${outcome.failures.reduce((n, f) => n + f.entries, 0)} refused by Loki; ` +
    `stream label ${IMPORT_LABEL}="${importId}"`,
);
process.exit(outcome.failures.length > 0 || outcome.accepted === 0 ? 1 : 0);
