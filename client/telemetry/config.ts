// Telemetry configuration from the environment (seed 000 P0): MAIN_VITE_OTEL_* (what Vite
// bakes into the main bundle) maps onto OTEL_*, then OTEL_* is read. A broken value is
// reported once, naming the variable, and telemetry runs disabled instead of crashing.
import type { LoadedTelemetryConfig, TelemetryConfig } from "./types.ts";

const MAIN_VITE_PREFIX = "MAIN_VITE_";

/** Defaults sized for seed 003's budget (< 2 MB memory, < 10 KB per flush). */
export const DEFAULT_CONFIG: TelemetryConfig = {
  enabled: false,
  lockedOff: null,
  endpoint: "http://127.0.0.1:4318",
  headers: {},
  serviceVersion: "0.0.0",
  deploymentEnvironment: "",
  dataDir: "",
  sampleRatio: 0.1,
  // 30 per process (main, renderer): at most ~10 sampled traces per 10 s flush per install.
  sampledTracesPerMinute: 30,
  slowSpanThresholdMs: 1000,
  forceSampledSpans: ["main_startup_boot"],
  flushIntervalMs: 10_000,
  // Sized for a day offline (issue 11): lines stay on disk, memory holds ~150 B per entry.
  maxQueueItems: 10_000,
  maxQueueBytes: 8 * 1024 * 1024,
  maxExportBytes: 64 * 1024,
  maxIpcPayloadBytes: 256 * 1024,
  maxAttributeLength: 1024,
  redactKeys: ["password", "passwd", "pwd", "secret", "token", "authorization", "cookie", "apikey", "email", "creditcard", "phone", "jwt", "ssn", "signature", "privatekey", "credential", "sessionid"],
  retryBaseMs: 1000,
  retryMaxMs: 60_000,
  exportTimeoutMs: 10_000,
  compression: "gzip",
  maxBreadcrumbs: 20,
  errorDedupWindowMs: 60_000,
  healthCheckIntervalMs: 30_000,
};

/** MAIN_VITE_OTEL_X → OTEL_X, without overriding an OTEL_X that is already set. Returns a copy. */
export function mapMainViteEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(`${MAIN_VITE_PREFIX}OTEL_`) || value === undefined) continue;
    const target = key.slice(MAIN_VITE_PREFIX.length);
    if (out[target] === undefined) out[target] = value;
  }
  return out;
}

/** OTEL_EXPORTER_OTLP_HEADERS format: comma-separated key=value, values percent-encoded (OTel spec). */
export function parseOtlpHeaders(raw: string): { headers: Record<string, string>; problem: string | null } {
  const headers: Record<string, string> = {};
  for (const [i, part] of raw.split(",").entries()) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    const key = eq > 0 ? part.slice(0, eq).trim() : "";
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(key)) {
      // Never echo the value: it is usually a credential.
      return { headers: {}, problem: `OTEL_EXPORTER_OTLP_HEADERS: entry ${i + 1} is not key=value with a valid header name` };
    }
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return { headers: {}, problem: `OTEL_EXPORTER_OTLP_HEADERS: value of "${key}" is not valid percent-encoding` };
    }
    if (/[\r\n\0]/.test(value)) return { headers: {}, problem: `OTEL_EXPORTER_OTLP_HEADERS: value of "${key}" contains a control character` };
    headers[key] = value;
  }
  return { headers, problem: null };
}

function parseEndpoint(raw: string): { endpoint: string; problem: string | null } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { endpoint: "", problem: `OTEL_EXPORTER_OTLP_ENDPOINT: "${raw.slice(0, 200)}" is not a URL` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { endpoint: "", problem: `OTEL_EXPORTER_OTLP_ENDPOINT: protocol ${url.protocol} is not http: or https: (OTLP/HTTP only)` };
  }
  if (url.username || url.password) {
    return { endpoint: "", problem: "OTEL_EXPORTER_OTLP_ENDPOINT: credentials in the URL are not allowed; use OTEL_EXPORTER_OTLP_HEADERS" };
  }
  return { endpoint: url.href.replace(/\/+$/, ""), problem: null };
}

function parseNumber(env: NodeJS.ProcessEnv, name: string, min: number, max: number, problems: string[]): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    problems.push(`${name}: "${raw.slice(0, 50)}" is not a number in [${min}, ${max}]`);
    return undefined;
  }
  return n;
}

/**
 * Reads OTEL_* (after the MAIN_VITE_* mapping) and the user's setting. Telemetry is enabled
 * only when the setting says so, OTEL_SDK_DISABLED is not true, and nothing is broken.
 */
export function loadTelemetryConfig(
  rawEnv: NodeJS.ProcessEnv,
  settings: { enabled?: boolean; dataDir?: string; serviceVersion?: string },
): LoadedTelemetryConfig {
  const env = mapMainViteEnv(rawEnv);
  const problems: string[] = [];
  const config: TelemetryConfig = { ...DEFAULT_CONFIG, headers: {} };

  const endpointRaw = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (endpointRaw !== undefined && endpointRaw.trim() !== "") {
    const { endpoint, problem } = parseEndpoint(endpointRaw.trim());
    if (problem) problems.push(problem);
    else config.endpoint = endpoint;
  }
  const headersRaw = env.OTEL_EXPORTER_OTLP_HEADERS;
  if (headersRaw !== undefined && headersRaw.trim() !== "") {
    const { headers, problem } = parseOtlpHeaders(headersRaw);
    if (problem) problems.push(problem);
    else config.headers = headers;
  }
  const sampler = env.OTEL_TRACES_SAMPLER;
  const ratio = parseNumber(env, "OTEL_TRACES_SAMPLER_ARG", 0, 1, problems);
  if (sampler === "always_on" || sampler === "parentbased_always_on") config.sampleRatio = 1;
  else if (sampler === "always_off" || sampler === "parentbased_always_off") config.sampleRatio = 0;
  else if (ratio !== undefined) config.sampleRatio = ratio;
  const tracesPerMinute = parseNumber(env, "KICKTALK_SAMPLED_TRACES_PER_MINUTE", 1, 1_000_000, problems);
  if (tracesPerMinute !== undefined) config.sampledTracesPerMinute = tracesPerMinute;
  const interval = parseNumber(env, "OTEL_BSP_SCHEDULE_DELAY", 100, 600_000, problems);
  if (interval !== undefined) config.flushIntervalMs = interval;
  const attrLen = parseNumber(env, "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", 16, 65_536, problems);
  if (attrLen !== undefined) config.maxAttributeLength = attrLen;
  const compression = env.OTEL_EXPORTER_OTLP_COMPRESSION;
  if (compression === "none" || compression === "gzip") config.compression = compression;
  else if (compression !== undefined && compression !== "") problems.push(`OTEL_EXPORTER_OTLP_COMPRESSION: "${compression.slice(0, 20)}" is not gzip or none`);

  config.deploymentEnvironment = env.OTEL_DEPLOYMENT_ENV ?? env.DEPLOYMENT_ENV ?? "";
  config.serviceVersion = settings.serviceVersion ?? env.OTEL_SERVICE_VERSION ?? DEFAULT_CONFIG.serviceVersion;
  config.dataDir = settings.dataDir ?? env.KICKTALK_TELEMETRY_DIR ?? "";
  if (config.dataDir === "") problems.push("dataDir: no directory for the telemetry journal (settings.dataDir or KICKTALK_TELEMETRY_DIR)");

  const sdkDisabled = (env.OTEL_SDK_DISABLED ?? "").toLowerCase() === "true";
  config.lockedOff = sdkDisabled ? "OTEL_SDK_DISABLED=true" : problems.length > 0 ? `broken configuration: ${problems.length} problem(s)` : null;
  config.enabled = settings.enabled === true && config.lockedOff === null;
  return { config, problems };
}

let reported = false;

/** Prints config problems once per process (the app may reload settings many times). */
export function reportConfigProblems(problems: readonly string[], print: (msg: string) => void = console.error): void {
  if (reported || problems.length === 0) return;
  reported = true;
  print(`[telemetry] disabled because of broken configuration:\n  - ${problems.join("\n  - ")}`);
}
