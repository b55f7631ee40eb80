// How Loki stores an OTLP log record, and what its `| json` and `| logfmt` stages read back from
// the line: the one model the LogQL evaluator relies on, so a query is answered the way the
// Loki of stack/config/loki.yaml (v3.7, native OTLP ingestion) would answer it.
//
// Sources:
// - Loki docs, "Ingesting logs to Loki using OpenTelemetry Collector" › "Format considerations"
//   (https://grafana.com/docs/loki/latest/send-data/otel/#format-considerations): index labels
//   from the resource attributes in `default_resource_attributes_as_index_labels`, everything else
//   structured metadata; timestamp = timeUnixNano else observedTimeUnixNano; line = body via
//   pcommon AsString; `.` and other characters become `_`; nested maps flatten with `_`.
// - Loki's pkg/loghttp/push/otlp.go (otlpToLokiPushRequest, otlpLogToPushEntry,
//   attributeToLabels): the exact metadata names (severity_number, severity_text, trace_id,
//   span_id, scope_name, scope_version, flags, …) and their order.
// - prometheus/otlptranslator label_namer.go (LabelNamer.Build), which names the labels.
// - Loki's pkg/validation/limits.go defaults (discover_service_name, discover_log_levels,
//   log_level_fields) and pkg/distributor/field_detection.go (detected_level).
// - Loki's pkg/logql/log/parser.go (JSONParser, LogfmtParser) and logfmt/decode.go.
// - pdata's pcommon.Value.AsString (go.opentelemetry.io/collector/pdata/pcommon/value.go).
import type { FlatLogRecord } from "./otlp-records.ts";

/**
 * Resource attributes Loki makes stream labels: stack/config/loki.yaml's
 * `distributor.otlp_config.default_resource_attributes_as_index_labels` (Loki's default list
 * minus service.instance.id). A test keeps the two equal.
 */
export const LOKI_INDEX_LABELS: readonly string[] = [
  "service.name",
  "service.namespace",
  "deployment.environment",
  "deployment.environment.name",
  "cloud.region",
  "cloud.availability_zone",
  "k8s.cluster.name",
  "k8s.namespace.name",
  "k8s.pod.name",
  "k8s.container.name",
  "container.name",
  "k8s.replicaset.name",
  "k8s.deployment.name",
  "k8s.statefulset.name",
  "k8s.daemonset.name",
  "k8s.cronjob.name",
  "k8s.job.name",
];

/**
 * Labels Loki maps to service_name when a stream has none (limits_config.discover_service_name
 * default); none found gives `unknown_service`.
 */
export const DISCOVER_SERVICE_NAME: readonly string[] = [
  "service", "app", "application", "app_name", "name", "app_kubernetes_io_name",
  "container", "container_name", "k8s_container_name", "component", "workload", "job", "k8s_job_name",
];

/** limits_config.log_level_fields default: a label or metadata with one of these names gives detected_level. */
const LOG_LEVEL_FIELDS = ["level", "LEVEL", "Level", "Severity", "severity", "SEVERITY", "lvl", "LVL", "Lvl"];

/** One entry as Loki stores it: stream labels, structured metadata, line, timestamp. */
export interface LokiEntry {
  /** Nanoseconds since the epoch. */
  tsNs: bigint;
  /** Stream (index) labels. */
  labels: Record<string, string>;
  /** Structured metadata, detected_level included. */
  metadata: Record<string, string>;
  line: string;
}

/**
 * Loki's label name for an OTLP attribute key (otlptranslator LabelNamer.Build, UTF-8 not
 * allowed): anything but [A-Za-z0-9] becomes `_`, runs of `_` collapse to one, a leading digit
 * gets `key_`; `__reserved__` names keep their double underscores. Older otlptranslator
 * versions did not collapse runs; no attribute of this project has two underscores in a row.
 */
export function lokiLabelName(key: string): string {
  const reserved = key.length > 4 && key.startsWith("__") && key.endsWith("__");
  const inner = reserved ? key.slice(2, -2) : key;
  let name = "";
  for (const ch of inner) {
    const valid = /^[A-Za-z0-9]$/.test(ch);
    if (valid) name += ch;
    else if (!name.endsWith("_")) name += "_";
  }
  if (reserved) return `__${name}__`;
  return /^[0-9]/.test(name) ? `key_${name}` : name;
}

/**
 * pcommon.Value.AsString, how Loki turns an attribute value or a body into a string: strings
 * as-is, numbers in ES6 notation (Go formats doubles "as if by ES6 number to string"), maps and
 * arrays as Go's encoding/json writes them. FlatLogRecord has already made int64 values
 * JavaScript numbers, so integers beyond 2^53 lose precision here.
 */
export function otlpValueAsString(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return goJsonMarshal(v);
}

/** Go's json.Marshal of an OTLP value: sorted map keys, HTML-safe string escaping. */
export function goJsonMarshal(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return goJsonString(v);
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "null";
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(goJsonMarshal).join(",")}]`;
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((k) => `${goJsonString(k)}:${goJsonMarshal(obj[k])}`).join(",")}}`;
}

function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    // Go escapes the other control characters, <, > and & (HTML safety), and U+2028/U+2029.
    else if (cp < 0x20 || ch === "<" || ch === ">" || ch === "&" || cp === 0x2028 || cp === 0x2029) out += `\\u${cp.toString(16).padStart(4, "0")}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += "\\ufffd"; // a lone surrogate is invalid UTF-8
    else out += ch;
  }
  return `${out}"`;
}

/** attributeToLabels: a map value flattens into `parent_child` labels, anything else one label. */
function attributeToLabels(key: string, value: unknown, prefix = ""): [string, string][] {
  const name = lokiLabelName(prefix ? `${prefix}_${key}` : key);
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => attributeToLabels(k, v, name));
  }
  return [[name, otlpValueAsString(value)]];
}

const attributesToLabels = (attrs: Record<string, unknown>): [string, string][] => Object.entries(attrs).flatMap(([k, v]) => attributeToLabels(k, v));

/**
 * Maps one flattened OTLP log record to the entry Loki stores.
 *
 * Not modelled, because FlatLogRecord does not carry them: observed_timestamp (stored only when
 * both timestamps are set), flags, dropped_attributes_count, scope attributes and
 * scope_dropped_attributes_count. Nor event_name, which Loki versions after 3.7 add from the
 * record's eventName (no telemetry of this project sets one).
 */
export function lokiEntryFromOtlp(r: FlatLogRecord): LokiEntry {
  const labels: Record<string, string> = {};
  const resourceMetadata: [string, string][] = [];
  for (const [key, value] of Object.entries(r.resource)) {
    const target = LOKI_INDEX_LABELS.includes(key) ? null : resourceMetadata;
    for (const [name, v] of attributeToLabels(key, value)) {
      if (target) target.push([name, v]);
      else labels[name] = v;
    }
  }
  // Prometheus label sets drop empty values: an empty index label is no label.
  for (const [k, v] of Object.entries(labels)) if (v === "") delete labels[k];
  if (!labels.service_name) {
    const found = DISCOVER_SERVICE_NAME.find((n) => labels[n]);
    labels.service_name = found ? (labels[found] as string) : "unknown_service";
  }

  // Entry order as otlpLogToPushEntry builds it; a later duplicate name wins.
  const metadata: [string, string][] = attributesToLabels(r.attributes);
  if (r.severityNumber !== 0) metadata.push(["severity_number", String(r.severityNumber)]);
  if (r.severityText !== "") metadata.push(["severity_text", r.severityText]);
  if (r.traceId) metadata.push(["trace_id", r.traceId.toLowerCase()]);
  if (r.spanId) metadata.push(["span_id", r.spanId.toLowerCase()]);
  metadata.push(...resourceMetadata);
  if (r.scope.name) metadata.push(["scope_name", r.scope.name]);
  if (r.scope.version) metadata.push(["scope_version", r.scope.version]);

  const line = otlpValueAsString(r.body);
  const md = Object.fromEntries(metadata);
  md.detected_level = detectedLevel(labels, md, line);
  return { tsNs: BigInt(r.timeUnixNano), labels, metadata: md, line };
}

export function lokiEntriesFromOtlp(records: readonly FlatLogRecord[]): LokiEntry[] {
  return records.map(lokiEntryFromOtlp);
}

const OTLP_LEVELS: [number, string][] = [
  [4, "trace"],
  [8, "debug"],
  [12, "info"],
  [16, "warn"],
  [20, "error"],
  [24, "fatal"],
];

/**
 * detected_level, which Loki's distributor adds to every entry (discover_log_levels is on by
 * default): a level-named stream label, else a level-named metadata key, else the OTLP
 * severity_number band, else a level found in the line (FieldDetector.extractLogLevel).
 */
export function detectedLevel(labels: Record<string, string>, metadata: Record<string, string>, line: string): string {
  for (const source of [labels, metadata]) {
    const field = LOG_LEVEL_FIELDS.find((f) => source[f] !== undefined);
    if (field) return source[field] as string;
  }
  const severity = metadata.severity_number;
  if (severity !== undefined) {
    const n = Number.parseInt(severity, 10);
    if (Number.isNaN(n)) return "info";
    if (n === 0) return "unknown";
    return OTLP_LEVELS.find(([max]) => n <= max)?.[1] ?? "unknown";
  }
  return levelFromLine(line);
}

/** extractLogLevelFromLogLine: a level field of a JSON or logfmt line, else words in the line. */
function levelFromLine(line: string): string {
  let value: string | undefined;
  const trimmed = line.trim();
  if (trimmed.startsWith("{") && trimmed.endsWith("}")) {
    value = jsonLevelField(line);
  } else if (line.includes("=")) {
    const pairs = logfmtPairs(line);
    // The first listed field name present wins, compared case-insensitively.
    for (const f of LOG_LEVEL_FIELDS) {
      const hit = pairs.find(([k]) => k.toLowerCase() === f.toLowerCase());
      if (hit) {
        value = hit[1];
        break;
      }
    }
  } else {
    return levelFromWords(line);
  }
  const v = (value ?? "").toLowerCase();
  if (v === "trace" || v === "trc") return "trace";
  if (v === "debug" || v === "dbg") return "debug";
  if (v === "info" || v === "inf") return "info";
  if (v === "warn" || v === "wrn" || v === "warning") return "warn";
  if (v === "error" || v === "err") return "error";
  if (v === "critical") return "critical";
  if (v === "fatal") return "fatal";
  return levelFromWords(line);
}

/** The first string value under a level-named key, searching two object levels deep. */
function jsonLevelField(line: string): string | undefined {
  let found: string | undefined;
  const visit = (node: JsonNode, depth: number): void => {
    if (node.kind !== "object" || depth >= 2) return;
    for (const [key, child] of node.entries) {
      if (found !== undefined) return;
      if (child.kind === "string" && LOG_LEVEL_FIELDS.includes(key)) found = child.value;
      else visit(child, depth + 1);
    }
  };
  try {
    visit(new JsonScanner(line).document(), 0);
  } catch {
    // a malformed line has no level field
  }
  return found;
}

/** detectLevelFromLogLine: substring checks, in Loki's order. */
function levelFromWords(line: string): string {
  const has = (...words: string[]) => words.some((w) => line.includes(w));
  if (has("info", "INFO")) return "info";
  if (has("err", "ERR", "error", "ERROR")) return "error";
  if (has("warn", "WARN", "warning", "WARNING")) return "warn";
  if (has("CRITICAL", "critical")) return "critical";
  if (has("debug", "DEBUG")) return "debug";
  return "unknown";
}

// ---- `| json` ----

type JsonNode =
  | { kind: "string"; value: string }
  | { kind: "number"; raw: string }
  | { kind: "bool"; value: boolean }
  | { kind: "null" }
  | { kind: "array" }
  | { kind: "object"; entries: [string, JsonNode][] };

/**
 * A JSON reader that keeps what Loki's parser (buger/jsonparser) keeps and JSON.parse loses:
 * key order, duplicate keys, numbers as written. Objects report their entries as they are read,
 * so a line that breaks half-way has yielded its first keys, as in Loki.
 */
class JsonScanner {
  private pos = 0;
  private readonly text: string;
  private readonly onEntry: ((path: string[], key: string, node: JsonNode) => void) | undefined;

  constructor(text: string, onEntry?: (path: string[], key: string, node: JsonNode) => void) {
    this.text = text;
    this.onEntry = onEntry;
  }

  document(): JsonNode {
    this.ws();
    if (this.text[this.pos] !== "{") throw new Error("Value looks like object, but can't find closing '}' symbol");
    return this.object([]);
  }

  private ws(): void {
    while (/[ \t\n\r]/.test(this.text[this.pos] ?? "")) this.pos++;
  }

  /** `emit`: report entries to onEntry; objects inside arrays are read but not reported. */
  private object(path: string[], emit = true): JsonNode {
    this.pos++; // {
    const entries: [string, JsonNode][] = [];
    this.ws();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return { kind: "object", entries };
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') throw new Error("Malformed JSON error");
      const key = this.string();
      this.ws();
      if (this.text[this.pos] !== ":") throw new Error("Malformed JSON error");
      this.pos++;
      this.ws();
      const node = this.text[this.pos] === "{" ? this.object([...path, key], emit) : this.value();
      entries.push([key, node]);
      if (emit) this.onEntry?.(path, key, node);
      this.ws();
      const c = this.text[this.pos++];
      if (c === "}") return { kind: "object", entries };
      if (c !== ",") throw new Error("Value looks like object, but can't find closing '}' symbol");
    }
  }

  private value(): JsonNode {
    const c = this.text[this.pos];
    if (c === '"') return { kind: "string", value: this.string() };
    if (c === "[") {
      this.skipArray();
      return { kind: "array" };
    }
    for (const [lit, node] of [["true", { kind: "bool", value: true }], ["false", { kind: "bool", value: false }], ["null", { kind: "null" }]] as const) {
      if (this.text.startsWith(lit, this.pos)) {
        this.pos += lit.length;
        return node;
      }
    }
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (!num) throw new Error("Unknown value type");
    this.pos += num[0].length;
    return { kind: "number", raw: num[0] };
  }

  private skipArray(): void {
    this.pos++; // [
    this.ws();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] === "{") this.object([], false);
      else this.value();
      this.ws();
      const c = this.text[this.pos++];
      if (c === "]") return;
      if (c !== ",") throw new Error("Malformed array error");
    }
  }

  /** A string at pos (on its quote), unescaped; Loki turns a bad escape into "". */
  private string(): string {
    const end = this.findStringEnd();
    const raw = this.text.slice(this.pos, end + 1);
    this.pos = end + 1;
    try {
      const v = JSON.parse(raw) as string;
      return v.includes("\ufffd") ? "" : v; // Loki drops values carrying the replacement rune
    } catch {
      return "";
    }
  }

  private findStringEnd(): number {
    for (let i = this.pos + 1; i < this.text.length; i++) {
      if (this.text[i] === "\\") i++;
      else if (this.text[i] === '"') return i;
    }
    throw new Error("Malformed string error");
  }
}

/** sanitizeLabelKey(key, true): trim, `_` before a leading digit, anything but [A-Za-z0-9_] → `_`. */
function sanitizeParsedKey(key: string, isPrefix: boolean): string {
  const k = key.trim();
  if (k === "") return "";
  return (isPrefix && /^[0-9]/.test(k) ? "_" : "") + Array.from(k, (ch) => (/^[A-Za-z0-9_]$/.test(ch) ? ch : "_")).join("");
}

export interface ParsedLine {
  /** Label name (sanitized, before any `_extracted` suffix) and value, in line order. */
  readonly labels: [string, string][];
  /** Set when Loki would add `__error__` (JSONParserErr) and this `__error_details__`. */
  readonly error?: string;
}

/**
 * What `| json` extracts from a line (JSONParser.Process): every string, number and boolean,
 * nested object keys joined with `_`; arrays and nulls are skipped; numbers stay as written.
 * A line that is not a JSON object sets `__error__="JSONParserErr"`, keeping the keys read so far.
 */
export function parseJsonLine(line: string): ParsedLine {
  const labels: [string, string][] = [];
  const onEntry = (path: string[], key: string, node: JsonNode) => {
    const name = [...path.map((p, i) => sanitizeParsedKey(p, i === 0)), sanitizeParsedKey(key, path.length === 0)].filter((p) => p !== "").join("_");
    if (node.kind === "string") labels.push([name, node.value]);
    else if (node.kind === "number") labels.push([name, node.raw]);
    else if (node.kind === "bool") labels.push([name, String(node.value)]);
  };
  try {
    new JsonScanner(line, onEntry).document();
    return { labels };
  } catch (err) {
    return { labels, error: (err as Error).message };
  }
}

/** The key/value pairs Loki's logfmt decoder reads (logfmt/decode.go), skipping malformed pairs. */
function logfmtPairs(line: string): [string, string][] {
  const pairs: [string, string][] = [];
  let pos = 0;
  const n = line.length;
  const isSpace = (c: string | undefined) => c !== undefined && c <= " ";
  const skipValue = () => {
    while (pos < n && !isSpace(line[pos])) pos++;
  };
  while (pos < n) {
    while (pos < n && isSpace(line[pos])) pos++;
    if (pos >= n) break;
    const start = pos;
    let ok = true;
    for (; pos < n; pos++) {
      const c = line[pos] as string;
      if (c === "=" || c === '"' || isSpace(c)) break;
    }
    const key = line.slice(start, pos);
    const c = line[pos];
    if (c === '"' || (c === "=" && key === "")) {
      skipValue();
      continue;
    }
    if (c !== "=") {
      pairs.push([key, ""]); // a bare key
      continue;
    }
    pos++; // =
    let value = "";
    if (pos < n && line[pos] === '"') {
      let end = -1;
      for (let i = pos + 1; i < n; i++) {
        if (line[i] === "\\") i++;
        else if (line[i] === '"') {
          end = i;
          break;
        }
      }
      if (end === -1) {
        pos = n; // unterminated quoted value: the rest is lost
        ok = false;
      } else {
        const quoted = line.slice(pos, end + 1);
        try {
          value = quoted.includes("\\") ? (JSON.parse(quoted) as string) : quoted.slice(1, -1);
        } catch {
          ok = false;
        }
        pos = end + 1;
      }
    } else {
      const vstart = pos;
      for (; pos < n && !isSpace(line[pos]); pos++) {
        if (line[pos] === "=" || line[pos] === '"') {
          ok = false;
          break;
        }
      }
      if (!ok) skipValue();
      else value = line.slice(vstart, pos);
    }
    if (ok) pairs.push([key, value]);
  }
  return pairs;
}

/**
 * What `| logfmt` extracts (LogfmtParser.Process, not strict, not keep-empty): each `key=value`
 * with a non-empty value, keys sanitized like `| json`'s; malformed pairs are skipped.
 */
export function parseLogfmtLine(line: string): ParsedLine {
  const labels: [string, string][] = [];
  for (const [key, value] of logfmtPairs(line)) {
    const name = sanitizeParsedKey(key, true);
    if (name === "" || value === "" || value.includes("\ufffd")) continue;
    labels.push([name, value]);
  }
  return { labels };
}
