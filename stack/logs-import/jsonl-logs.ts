// Parsing and mapping for `npm run logs:import`: JSONL telemetry logs -> Loki push entries
// shaped exactly like the OTLP path writes them (collector -> Loki /otlp), so the same
// dashboards and saved queries find imported logs:
//   stream label    service_name (LOG_STREAM_LABELS)
//   line            the record's message (OTLP: the log body)
//   metadata        log_type, severity_text, severity_number, trace_id, span_id and every
//                   attribute with its key made Loki-safe (OTLP: record attributes)
// Three line shapes are accepted:
//   seed 001        {"type":"error","data":{...},"timestamp":"2025-12-22T10:00:00Z"}
//   client export   {"id":"…","signal":"logs","items":1,"resource":{"service.name":"kicktalk",…},"data":[ScopeLogs…]}
//                   (what "export my data" writes: one pending journal entry per line)
//   client journal  {"t":"e","sig":"logs","res":"main","n":1,"s":[ScopeLogs...]} (the raw journal file)
//   OTLP/JSON       {"resourceLogs":[...]} (one ExportLogsServiceRequest per line)
// Lines of other signals (spans, metrics, journal acks) are skipped and counted, not errors.
import { CLIENT_SERVICE, LOG_EVENTS, LOG_STREAM_LABELS, LOG_TYPE_ATTRIBUTE, type LogEventDecl } from "../../catalog/index.ts";
import { createHash } from "node:crypto";
import { redactString } from "../../client/telemetry/redact.ts";
import { metadataKey } from "../../queries/logql.ts";

export interface ImportEntry {
  readonly service: string;
  /** Epoch nanoseconds as a decimal string (Loki's push format). */
  readonly tsNs: string;
  readonly line: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** 1-based line number in the source file, for error reports. */
  readonly sourceLine: number;
}

export interface LineProblem {
  readonly line: number;
  readonly reason: string;
}

export interface ParsedLogs {
  readonly entries: ImportEntry[];
  readonly malformed: LineProblem[];
  /** Well-formed lines that carry no logs (journal acks, spans, metrics). */
  readonly skipped: LineProblem[];
  readonly lines: number;
}

/** OTel severity numbers for the level names seed 001 and the catalog use (logs data model). */
export const SEVERITY_NUMBER: Readonly<Record<string, number>> = { debug: 5, info: 9, warn: 13, error: 17, fatal: 21 };

/** The one stream label (service_name); everything else is structured metadata. */
const [SERVICE_LABEL] = LOG_STREAM_LABELS;

const EVENT_BY_TYPE = new Map<string, LogEventDecl>(Object.values(LOG_EVENTS).map((e) => [e.type, e]));

/** seed 001 field names -> catalog attribute keys, per event type (logger.perf(name, value), web-vitals' {name, rating}). */
const SEED_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  metric: { name: "metric_name" },
  vital: { name: "vital_name" },
  error: { name: "error_type", errorType: "error_type", fingerprint: "error_fingerprint" },
};

const LEVEL_ALIASES: Readonly<Record<string, string>> = { warning: "warn", err: "error", critical: "fatal", trace: "debug" };

const camelToSnake = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isObject = (v: unknown): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Metadata values are strings; nested values keep their JSON so nothing is lost. */
function metadataValue(v: Json): string {
  return typeof v === "string" ? redactString(v) : JSON.stringify(v);
}

/** Accepts ISO-8601 strings, epoch milliseconds (number or digit string) and epoch ns strings. */
export function timestampToNs(value: unknown): string | null {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) {
    // Seconds (10 digits) are a common mistake in hand-written lines; ms has 13.
    const ms = value < 1e11 ? value * 1000 : value;
    return (BigInt(Math.round(ms * 1000)) * 1000n).toString();
  }
  if (typeof value !== "string" || value === "") return null;
  if (/^\d{19}$/.test(value)) return value; // already epoch ns
  if (/^\d{10,13}(\.\d+)?$/.test(value)) return timestampToNs(Number(value));
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return null;
  // Keep sub-millisecond digits of ISO strings (e.g. .123456789Z), which Date.parse drops.
  const frac = /\.(\d+)(?:Z|[+-]\d\d:?\d\d)$/i.exec(value)?.[1] ?? "";
  const subMsNs = frac.length > 3 ? BigInt(frac.slice(3, 9).padEnd(6, "0")) : 0n;
  return (BigInt(ms) * 1_000_000n + subMsNs).toString();
}

function normalizeLevel(level: unknown, fallback: string): string {
  if (typeof level !== "string") return fallback;
  const l = level.toLowerCase();
  const norm = LEVEL_ALIASES[l] ?? l;
  return norm in SEVERITY_NUMBER ? norm : fallback;
}

/** A seed 001 line: {type, data, timestamp, ...top-level context such as sessionId}. */
function fromSeedLine(obj: Record<string, Json>, lineNo: number): ImportEntry | string {
  const type = obj.type;
  if (typeof type !== "string") return "field `type` must be a string";
  const decl = EVENT_BY_TYPE.get(type);
  if (!decl) return `field \`type\` is "${type}", not a catalog log event (${[...EVENT_BY_TYPE.keys()].join(", ")})`;
  if (obj.data !== undefined && !isObject(obj.data)) return "field `data` must be an object";
  const tsNs = timestampToNs(obj.timestamp ?? obj.time ?? obj.ts);
  if (tsNs === null) return "field `timestamp` is missing or not a date (ISO-8601 or epoch ms)";
  const data: Record<string, Json> = obj.data ?? {};
  const defaultLevel = type === "error" ? "error" : "info";
  const severity = normalizeLevel(data.level ?? data.severity ?? obj.level, defaultLevel);
  const aliases = SEED_ALIASES[type] ?? {};
  const metadata: Record<string, string> = {};
  // Context fields next to `data` (sessionId, url, userAgent, appVersion) come first so a
  // same-named field inside `data` wins.
  const context = Object.entries(obj).filter(([k]) => !["type", "data", "timestamp", "time", "ts", "level"].includes(k));
  for (const [k, v] of [...context, ...Object.entries(data)]) {
    if (v === null || k === "message" || k === "level" || k === "severity") continue;
    metadata[metadataKey(aliases[k] ?? camelToSnake(k))] = metadataValue(v);
  }
  Object.assign(metadata, {
    [LOG_TYPE_ATTRIBUTE]: decl.type,
    // Upper case, as the client's and server's OTLP log records carry it.
    severity_text: severity.toUpperCase(),
    severity_number: String(SEVERITY_NUMBER[severity]),
  });
  const message = typeof data.message === "string" ? redactString(data.message) : "";
  return { service: CLIENT_SERVICE, tsNs, line: message || decl.type, metadata, sourceLine: lineNo };
}

interface OtlpAnyValueJson {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: OtlpAnyValueJson[] };
  kvlistValue?: { values?: { key: string; value?: OtlpAnyValueJson }[] };
}
interface OtlpLogRecordJson {
  timeUnixNano?: string | number;
  observedTimeUnixNano?: string | number;
  severityNumber?: number;
  severityText?: string;
  body?: OtlpAnyValueJson;
  attributes?: { key: string; value?: OtlpAnyValueJson }[];
  traceId?: string;
  spanId?: string;
}

function anyValueToString(v: OtlpAnyValueJson | undefined): string {
  if (!v) return "";
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return String(v.boolValue);
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.arrayValue) return JSON.stringify((v.arrayValue.values ?? []).map(anyValueToString));
  if (v.kvlistValue) return JSON.stringify(Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, anyValueToString(kv.value)])));
  return "";
}

/** One OTLP/JSON log record -> entry, the way Loki's OTLP ingestion maps it. */
function fromOtlpRecord(rec: OtlpLogRecordJson, service: string, lineNo: number): ImportEntry | string {
  const time = rec.timeUnixNano !== undefined && String(rec.timeUnixNano) !== "0" ? rec.timeUnixNano : rec.observedTimeUnixNano;
  if (time === undefined || !/^\d{1,19}$/.test(String(time)) || String(time) === "0") return "log record has no timeUnixNano";
  const metadata: Record<string, string> = {};
  for (const kv of rec.attributes ?? []) metadata[metadataKey(kv.key)] = anyValueToString(kv.value);
  if (rec.severityText) metadata.severity_text = rec.severityText;
  if (rec.severityNumber) metadata.severity_number = String(rec.severityNumber);
  if (rec.traceId) metadata.trace_id = rec.traceId;
  if (rec.spanId) metadata.span_id = rec.spanId;
  return { service, tsNs: String(time), line: anyValueToString(rec.body), metadata, sourceLine: lineNo };
}

function fromScopes(scopes: Json[], service: string, lineNo: number, out: ImportEntry[]): string | null {
  for (const scope of scopes) {
    if (!isObject(scope)) return "scope is not an object";
    const records = scope.logRecords;
    if (records === undefined) continue;
    if (!Array.isArray(records)) return "`logRecords` must be an array";
    for (const [i, rec] of records.entries()) {
      if (!isObject(rec)) return `logRecords[${i}] is not an object`;
      const e = fromOtlpRecord(rec as OtlpLogRecordJson, service, lineNo);
      if (typeof e === "string") return `logRecords[${i}]: ${e}`;
      out.push(e);
    }
  }
  return null;
}

function serviceOfResource(resource: Json | undefined): string {
  const attrs = isObject(resource) && Array.isArray(resource.attributes) ? resource.attributes : [];
  for (const kv of attrs) {
    if (isObject(kv) && kv.key === "service.name" && isObject(kv.value) && typeof kv.value.stringValue === "string") {
      return kv.value.stringValue;
    }
  }
  return CLIENT_SERVICE;
}

type LineResult = { entries: ImportEntry[] } | { skip: string } | { error: string };

function parseLine(obj: Record<string, Json>, lineNo: number): LineResult {
  if (obj.t === "a") return { skip: "journal acknowledgement" };
  if (obj.t === "e") {
    if (obj.sig !== "logs") return { skip: `journal entry of ${String(obj.sig)}, not logs` };
    if (!Array.isArray(obj.s)) return { error: "journal entry: field `s` must be an array of ScopeLogs" };
    // The journal holds scopes only; every client resource is the kicktalk service.
    const entries: ImportEntry[] = [];
    const err = fromScopes(obj.s, CLIENT_SERVICE, lineNo, entries);
    return err ? { error: `journal entry: ${err}` } : { entries };
  }
  if (typeof obj.signal === "string" && obj.data !== undefined) {
    if (obj.signal !== "logs") return { skip: `exported entry of ${obj.signal}, not logs` };
    if (!Array.isArray(obj.data)) return { error: "exported entry: field `data` must be an array of ScopeLogs" };
    const res = isObject(obj.resource) ? obj.resource : {};
    const service = typeof res["service.name"] === "string" ? res["service.name"] : CLIENT_SERVICE;
    const entries: ImportEntry[] = [];
    const err = fromScopes(obj.data, service, lineNo, entries);
    return err ? { error: `exported entry: ${err}` } : { entries };
  }
  if (obj.resourceLogs !== undefined) {
    if (!Array.isArray(obj.resourceLogs)) return { error: "`resourceLogs` must be an array" };
    const entries: ImportEntry[] = [];
    for (const rl of obj.resourceLogs) {
      if (!isObject(rl) || !Array.isArray(rl.scopeLogs)) return { error: "resourceLogs[]: `scopeLogs` must be an array" };
      const err = fromScopes(rl.scopeLogs, serviceOfResource(rl.resource), lineNo, entries);
      if (err) return { error: err };
    }
    return { entries };
  }
  if (obj.resourceSpans !== undefined || obj.resourceMetrics !== undefined) return { skip: "OTLP spans or metrics, not logs" };
  const e = fromSeedLine(obj, lineNo);
  return typeof e === "string" ? { error: e } : { entries: [e] };
}

/** Parses a whole JSONL file. Never throws on content: bad lines land in `malformed`. */
export function parseJsonlLogs(text: string): ParsedLogs {
  const entries: ImportEntry[] = [];
  const malformed: LineProblem[] = [];
  const skipped: LineProblem[] = [];
  const lines = text.split("\n");
  let count = 0;
  for (const [i, raw] of lines.entries()) {
    const lineNo = i + 1;
    const line = raw.trim();
    if (line === "") continue;
    count++;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (err) {
      malformed.push({ line: lineNo, reason: `not JSON (${(err as Error).message})` });
      continue;
    }
    if (!isObject(obj)) {
      malformed.push({ line: lineNo, reason: "not a JSON object" });
      continue;
    }
    const r = parseLine(obj, lineNo);
    if ("error" in r) malformed.push({ line: lineNo, reason: r.error });
    else if ("skip" in r) skipped.push({ line: lineNo, reason: r.skip });
    else entries.push(...r.entries);
  }
  return { entries, malformed, skipped, lines: count };
}

/**
 * Extra stream label on imported entries. Loki refuses entries more than max_chunk_age/2 (1 h)
 * behind the newest entry of their stream, and {service_name="kicktalk"} is fed live by the
 * OTLP path, so days-old lines would be dropped there; a stream per imported file avoids that.
 * Dashboards select with {service_name="…"}, which matches these streams too. The value is a
 * hash of the file, so importing the same file again lands in the same stream (Loki drops the
 * identical entries) and the label's values stay as few as the files imported.
 */
export const IMPORT_LABEL = "import_id";

/** The import label's value for a file's content: 12 hex digits of its SHA-256. */
export function importIdOf(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

/** Loki's JSON push body: values are [ts, line, structuredMetadata]. */
export interface LokiPushBody {
  streams: { stream: Record<string, string>; values: [string, string, Record<string, string>][] }[];
}

export interface PushBatch {
  readonly body: LokiPushBody;
  readonly entries: number;
  /** Source lines the batch covers, for error reports. */
  readonly firstLine: number;
  readonly lastLine: number;
}

/**
 * Groups entries into push bodies of at most ~maxBytes each (Loki's default gRPC and
 * request limits are far larger; small batches keep one rejected batch from hiding many lines).
 */
export function toPushBatches(entries: readonly ImportEntry[], importId: string, maxBytes = 512 * 1024): PushBatch[] {
  // Oldest first: within a stream Loki accepts out-of-order entries only within its window.
  const sorted = [...entries].sort((a, b) => (BigInt(a.tsNs) < BigInt(b.tsNs) ? -1 : BigInt(a.tsNs) > BigInt(b.tsNs) ? 1 : 0));
  const batches: PushBatch[] = [];
  let current = new Map<string, [string, string, Record<string, string>][]>();
  let bytes = 0;
  let n = 0;
  let first = 0;
  let last = 0;
  const flush = () => {
    if (n === 0) return;
    const streams = [...current].map(([service, values]) => ({ stream: { [SERVICE_LABEL]: service, [IMPORT_LABEL]: importId }, values }));
    batches.push({ body: { streams }, entries: n, firstLine: first, lastLine: last });
    current = new Map();
    bytes = 0;
    n = 0;
  };
  for (const e of sorted) {
    const size = e.line.length + e.tsNs.length + JSON.stringify(e.metadata).length + 16;
    if (n > 0 && bytes + size > maxBytes) flush();
    first = n === 0 ? e.sourceLine : Math.min(first, e.sourceLine);
    last = n === 0 ? e.sourceLine : Math.max(last, e.sourceLine);
    let values = current.get(e.service);
    if (!values) current.set(e.service, (values = []));
    values.push([e.tsNs, e.line, { ...e.metadata }]);
    bytes += size;
    n++;
  }
  flush();
  return batches;
}
