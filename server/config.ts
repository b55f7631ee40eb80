// Every setting of the chat server, read from the environment and validated once. An
// invalid value fails start-up with an error naming the variable; nothing else in server/
// reads process.env.
import { z } from "zod";
import type { KdfParams } from "./auth/passwords.ts";
import { DEFAULT_KDF } from "./auth/passwords.ts";
import { trustedProxyProblem } from "./limits/client-address.ts";
import type { RateLimitConfig } from "./limits/rate-limits.ts";

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0"], { message: "must be true, false, 1 or 0" })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === "true" || v === "1"));

const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).optional().default(fallback);

/** "80,443" → [80, 443]; each entry a port number. */
const portList = (fallback: string) =>
  z
    .string()
    .optional()
    .default(fallback)
    .transform((v, ctx) => {
      const ports = v.split(",").map((p) => p.trim());
      const bad = ports.filter((p) => !/^\d{1,5}$/.test(p) || Number(p) < 1 || Number(p) > 65535);
      if (bad.length > 0) ctx.addIssue({ code: "custom", message: `must be comma-separated ports 1-65535; bad: ${bad.join(", ")}` });
      return ports.map(Number);
    });

/** "10.0.0.0/8, 203.0.113.7": addresses and CIDR blocks; unset or empty is none. */
const cidrList = () =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const entries = (v ?? "")
        .split(",")
        .map((e) => e.trim())
        .filter((e) => e !== "");
      const problems = entries.map(trustedProxyProblem).filter((p) => p !== undefined);
      if (problems.length > 0) ctx.addIssue({ code: "custom", message: `must be comma-separated IP addresses or CIDR blocks (e.g. "10.0.0.0/8, 2001:db8::/32"): ${problems.join("; ")}` });
      return entries;
    });

/** Origins of the Electron client: Chromium serialises a file:// page's opaque origin as "null". */
const CLIENT_ORIGINS = ["null", "file://"];
/** Pages a developer serves from loopback (any port), allowed outside production only. */
const DEV_ORIGINS = ["http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"];

/** "20/60s": `capacity` requests at once and per that many seconds sustained (a token bucket). */
const rate = (fallback: string) =>
  z
    .string()
    .optional()
    .default(fallback)
    .transform((v, ctx) => {
      const m = /^(\d{1,7})\/(\d{1,6}(?:\.\d{1,3})?)s$/.exec(v.trim());
      const capacity = Number(m?.[1]);
      const windowS = Number(m?.[2]);
      if (!m || capacity < 1 || windowS <= 0) {
        ctx.addIssue({ code: "custom", message: 'must be "<requests>/<seconds>s", e.g. "20/60s" (at least 1 request, a window over 0 s)' });
        return { capacity: 1, windowS: 1 };
      }
      return { capacity, windowS };
    });

const DAY_MS = 86_400_000;

const ENV = z.object({
  NODE_ENV: z.enum(["production", "development", "test"]).optional().default("development"),
  /** Loopback by default: this is a development backend, not an internet-facing service. */
  HOST: z.string().min(1).optional().default("127.0.0.1"),
  PORT: int(8787, 0, 65535),
  /** Standard OTel switch: when true no SDK is started and every signal is a no-op. */
  OTEL_SDK_DISABLED: bool(false),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ message: "must be a URL such as http://127.0.0.1:4318" }).optional().default("http://127.0.0.1:4318"),
  /** Head-sampling ratio for new traces, 0–1. Defaults to 0.1 in production and 1 elsewhere. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  /** Metric export interval in ms (standard OTel variable). */
  OTEL_METRIC_EXPORT_INTERVAL: int(15_000, 100, 3_600_000),
  /** Export unsampled traces anyway when they end in error or are slow (tail buffer). */
  CHAT_SERVER_FORCED_SAMPLING: bool(true),
  /** A request whose server span lasts at least this long (ms) is force-sampled. */
  CHAT_SERVER_SLOW_REQUEST_MS: int(500, 1, 600_000),
  /**
   * Spans held for the forced-sampling decision; past it the oldest trace is dropped and counted.
   * A held HTTP server span is ~1–2 KB of heap (measured with instrumentation-http's spans, which
   * had the same attribute keys), so a full buffer at the default is ~5–10 MB; under normal load
   * it holds only the spans of requests in flight.
   */
  CHAT_SERVER_TRACE_BUFFER_SPANS: int(4096, 16, 1_000_000),
  /** Upper bound on flushing telemetry at shutdown, in ms. */
  CHAT_SERVER_SHUTDOWN_TIMEOUT_MS: int(5_000, 100, 60_000),
  /** WebSocket heartbeat: a socket that does not answer a ping within this many ms is closed. */
  CHAT_SERVER_WS_HEARTBEAT_MS: int(30_000, 50, 600_000),
  /**
   * SQLite file holding users, sessions, messages and link statuses across restarts (created
   * if missing, schema migrated at start-up). Unset: an in-memory database, gone at exit.
   */
  CHAT_SERVER_DB_PATH: z.string().optional(),
  /** SQLite's synchronous setting; see server/store/database.ts for why NORMAL is the default. */
  CHAT_SERVER_DB_SYNCHRONOUS: z.enum(["NORMAL", "FULL"], { message: "must be NORMAL or FULL" }).optional().default("NORMAL"),
  /** Lets a request fail or stall on purpose via the x-beacon-fault header; for e2e tests only. */
  CHAT_SERVER_FAULT_INJECTION: bool(false),
  /**
   * Lets link processing fetch loopback addresses (127.0.0.0/8, ::1) on any port, for the
   * fixture pages of tests and the e2e, which are served on 127.0.0.1. Refused in production.
   */
  CHAT_SERVER_LINKS_ALLOW_LOOPBACK: bool(false),
  /** Whole link fetch, every redirect hop included, in ms. */
  LINK_FETCH_TIMEOUT_MS: int(5_000, 10, 120_000),
  LINK_CONCURRENCY: int(4, 1, 64),
  /**
   * Largest page prefix read for metadata, in bytes; the rest is not downloaded. The head
   * (title, meta, icon) is at the start, and the parser is linear: 512 KiB of the worst page is ~10 ms.
   */
  LINK_MAX_BYTES: int(524_288, 1024, 4 * 1_048_576),
  /** Redirects followed per link; each hop is checked like the first URL. */
  LINK_MAX_REDIRECTS: int(5, 0, 20),
  /** Ports links may be fetched on, comma-separated (loopback ignores this when allowed). */
  LINK_ALLOWED_PORTS: portList("80,443"),
  /** Links taken from one message; the rest stay plain text and are counted as shed. */
  LINK_MAX_PER_MESSAGE: int(5, 0, 100),
  /** Links of one user waiting or in processing; past it their new links are shed. */
  LINK_MAX_PENDING_PER_USER: int(20, 1, 10_000),
  /** Links waiting or in processing across all users; past it new links are shed. */
  LINK_MAX_PENDING: int(500, 1, 100_000),
  /** Open TCP connections (HTTP and WebSocket); past it new ones are closed at once. */
  CHAT_SERVER_MAX_CONNECTIONS: int(8_192, 1, 1_000_000),
  /**
   * Open TCP connections from one IP address. Load tests and the e2e run from 127.0.0.1 with
   * up to a few hundred connections, hence 512 rather than the tens a browser needs.
   */
  CHAT_SERVER_MAX_CONNECTIONS_PER_IP: int(512, 1, 1_000_000),
  /** Time a client has to send a request's headers (slowloris), in ms. */
  CHAT_SERVER_HEADERS_TIMEOUT_MS: int(10_000, 100, 600_000),
  /** Time a client has to send a whole request, headers and body, in ms. */
  CHAT_SERVER_REQUEST_TIMEOUT_MS: int(30_000, 100, 3_600_000),
  /** An idle keep-alive connection is closed after this many ms. */
  CHAT_SERVER_KEEP_ALIVE_TIMEOUT_MS: int(5_000, 100, 600_000),
  /**
   * Bytes queued for one WebSocket client that is not reading; past it the socket is closed
   * (1013) as a slow consumer. 1 MiB is ~2,000 chat messages of backlog.
   */
  CHAT_SERVER_WS_MAX_BUFFERED_BYTES: int(1_048_576, 1024, 256 * 1_048_576),
  /** At most one presence event per chatroom per this many ms (joins and leaves coalesce). */
  CHAT_SERVER_WS_PRESENCE_INTERVAL_MS: int(250, 0, 60_000),
  /**
   * Origins allowed to open a WebSocket, comma-separated; `*` as the port matches any port.
   * Default: the Electron client, whose file:// renderer Chromium sends as `null` (an opaque
   * origin) and Electron as `file://`, plus, outside production, loopback dev pages. Clients
   * that send no Origin (non-browser: Node, k6) are not browsers a page can abuse, so allowed.
   * `null` is also what a sandboxed iframe sends; that is tolerable because the socket carries
   * no ambient credential (the token travels in the subscribe frame, never in a cookie).
   */
  CHAT_SERVER_ALLOWED_ORIGINS: z.string().optional(),
  /**
   * log2 of scrypt's cost N for new password hashes (server/auth/passwords.ts); r=8, p=3.
   * 15 (32 MiB, ~0.1–0.2 s per hash) is OWASP's; production refuses less. Tests use less.
   */
  CHAT_SERVER_SCRYPT_LOG_N: int(15, 10, 20),
  /** Password hashes computed at once (libuv's thread pool, shared with DNS and files, has 4). */
  CHAT_SERVER_KDF_CONCURRENCY: int(2, 1, 16),
  /** Password hashes waiting for a slot; past it sign-in and registration answer 503. */
  CHAT_SERVER_KDF_MAX_QUEUED: int(64, 0, 10_000),
  /** A session unused this long (ms) has expired; default 7 days. */
  CHAT_SERVER_SESSION_IDLE_MS: int(7 * DAY_MS, 1_000, 365 * DAY_MS),
  /** A session this old (ms) has expired however much it is used; default 30 days. */
  CHAT_SERVER_SESSION_MAX_AGE_MS: int(30 * DAY_MS, 1_000, 365 * DAY_MS),
  /** Sessions one user may hold (devices); a new sign-in past it revokes the oldest. */
  CHAT_SERVER_MAX_SESSIONS_PER_USER: int(10, 1, 1_000),
  /** Sign-in and registration attempts per client address. */
  CHAT_SERVER_RATE_AUTH_PER_ADDRESS: rate("20/60s"),
  /** Failed sign-ins per account name (a good one is not counted): guessing one password is slow. */
  CHAT_SERVER_RATE_AUTH_PER_ACCOUNT: rate("10/300s"),
  /**
   * Messages per account: 20 at once, 2 per second sustained, well beyond anyone typing. The
   * load tests post up to 400/s from one account and set their own (loadtest/runner, e2e).
   */
  CHAT_SERVER_RATE_POSTS_PER_ACCOUNT: rate("20/10s"),
  /** Requests with a missing or unknown bearer token per client address. */
  CHAT_SERVER_RATE_BAD_TOKENS_PER_ADDRESS: rate("30/60s"),
  /** WebSocket upgrades per client address (the client opens one per chatroom, and reconnects). */
  CHAT_SERVER_RATE_WS_CONNECTS_PER_ADDRESS: rate("60/60s"),
  /** WebSocket frames per client address, all its sockets together. */
  CHAT_SERVER_RATE_WS_FRAMES_PER_ADDRESS: rate("600/60s"),
  /** WebSocket frames per socket: a client sends a subscribe per room and a ping now and then. */
  CHAT_SERVER_RATE_WS_FRAMES_PER_SOCKET: rate("20/1s"),
  /** Buckets kept per rate-limit scope (least recently used evicted past it); ~150 B each. */
  CHAT_SERVER_RATE_MAX_KEYS: int(10_000, 16, 1_000_000),
  /**
   * The operator's load balancers and reverse proxies, as addresses and CIDR blocks. Only a
   * request whose TCP peer is one of them has its client address taken from X-Forwarded-For
   * (the rightmost entry that is not itself a trusted proxy) for the per-address rate limits.
   * Default none: every client is keyed by its TCP peer, and the header is ignored, since
   * anyone can send it. Behind a proxy left off this list, all clients share its one bucket.
   */
  CHAT_SERVER_TRUSTED_PROXIES: cidrList(),
});

export interface ServerConfig {
  readonly env: "production" | "development" | "test";
  readonly host: string;
  readonly port: number;
  readonly telemetry: {
    readonly enabled: boolean;
    readonly otlpEndpoint: string;
    readonly sampleRatio: number;
    readonly forcedSampling: boolean;
    readonly slowRequestMs: number;
    readonly traceBufferSpans: number;
    readonly metricExportIntervalMs: number;
    readonly shutdownTimeoutMs: number;
  };
  readonly http: {
    readonly maxConnections: number;
    readonly maxConnectionsPerIp: number;
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
  };
  readonly ws: {
    readonly heartbeatMs: number;
    readonly maxBufferedBytes: number;
    readonly presenceIntervalMs: number;
    readonly allowedOrigins: readonly string[];
  };
  readonly faultInjection: boolean;
  readonly auth: {
    readonly kdf: KdfParams;
    readonly kdfConcurrency: number;
    readonly kdfMaxQueued: number;
    readonly sessionIdleMs: number;
    readonly sessionMaxAgeMs: number;
    readonly maxSessionsPerUser: number;
  };
  readonly rateLimits: RateLimitConfig;
  readonly store: { readonly path: string; readonly synchronous: "NORMAL" | "FULL" };
  readonly links: LinkConfig;
}

/** Link fetching and its queue's bounds (server/links/processor.ts). */
export interface LinkConfig {
  readonly fetchTimeoutMs: number;
  readonly concurrency: number;
  readonly maxBytes: number;
  readonly maxRedirects: number;
  readonly allowedPorts: readonly number[];
  readonly allowLoopback: boolean;
  readonly maxPerMessage: number;
  readonly maxPendingPerUser: number;
  readonly maxPending: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment into a config; throws ConfigError naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): ServerConfig {
  // Empty strings count as unset, as shells often export VAR= to clear a variable.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = ENV.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}=${JSON.stringify(cleaned[String(i.path[0])])}: ${i.message}`);
    throw new ConfigError(`invalid chat server environment:\n  - ${lines.join("\n  - ")}`);
  }
  const e = parsed.data;
  const refused: string[] = [];
  if (e.NODE_ENV === "production" && e.CHAT_SERVER_FAULT_INJECTION) {
    refused.push("CHAT_SERVER_FAULT_INJECTION=true is refused with NODE_ENV=production: it lets any caller fail requests");
  }
  if (e.NODE_ENV === "production" && e.CHAT_SERVER_LINKS_ALLOW_LOOPBACK) {
    refused.push("CHAT_SERVER_LINKS_ALLOW_LOOPBACK=true is refused with NODE_ENV=production: it lets any user make the server fetch its own loopback services");
  }
  if (e.CHAT_SERVER_HEADERS_TIMEOUT_MS > e.CHAT_SERVER_REQUEST_TIMEOUT_MS) {
    refused.push(
      `CHAT_SERVER_HEADERS_TIMEOUT_MS=${e.CHAT_SERVER_HEADERS_TIMEOUT_MS} must not exceed CHAT_SERVER_REQUEST_TIMEOUT_MS=${e.CHAT_SERVER_REQUEST_TIMEOUT_MS}: the headers are part of the request`,
    );
  }
  if (e.NODE_ENV === "production" && e.CHAT_SERVER_SCRYPT_LOG_N < DEFAULT_KDF.logN) {
    refused.push(`CHAT_SERVER_SCRYPT_LOG_N=${e.CHAT_SERVER_SCRYPT_LOG_N} is refused with NODE_ENV=production: below ${DEFAULT_KDF.logN}, a stolen hash is cheap to crack`);
  }
  if (e.CHAT_SERVER_SESSION_IDLE_MS > e.CHAT_SERVER_SESSION_MAX_AGE_MS) {
    refused.push(
      `CHAT_SERVER_SESSION_IDLE_MS=${e.CHAT_SERVER_SESSION_IDLE_MS} must not exceed CHAT_SERVER_SESSION_MAX_AGE_MS=${e.CHAT_SERVER_SESSION_MAX_AGE_MS}: no session lives longer than its maximum age`,
    );
  }
  if (refused.length > 0) throw new ConfigError(`invalid chat server environment:\n  - ${refused.join("\n  - ")}`);
  const origins =
    e.CHAT_SERVER_ALLOWED_ORIGINS?.split(",")
      .map((o) => o.trim())
      .filter((o) => o !== "") ?? (e.NODE_ENV === "production" ? CLIENT_ORIGINS : [...CLIENT_ORIGINS, ...DEV_ORIGINS]);
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    telemetry: {
      enabled: !e.OTEL_SDK_DISABLED,
      otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, ""),
      sampleRatio: e.OTEL_TRACES_SAMPLER_ARG ?? (e.NODE_ENV === "production" ? 0.1 : 1),
      forcedSampling: e.CHAT_SERVER_FORCED_SAMPLING,
      slowRequestMs: e.CHAT_SERVER_SLOW_REQUEST_MS,
      traceBufferSpans: e.CHAT_SERVER_TRACE_BUFFER_SPANS,
      metricExportIntervalMs: e.OTEL_METRIC_EXPORT_INTERVAL,
      shutdownTimeoutMs: e.CHAT_SERVER_SHUTDOWN_TIMEOUT_MS,
    },
    http: {
      maxConnections: e.CHAT_SERVER_MAX_CONNECTIONS,
      maxConnectionsPerIp: e.CHAT_SERVER_MAX_CONNECTIONS_PER_IP,
      headersTimeoutMs: e.CHAT_SERVER_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.CHAT_SERVER_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.CHAT_SERVER_KEEP_ALIVE_TIMEOUT_MS,
    },
    ws: {
      heartbeatMs: e.CHAT_SERVER_WS_HEARTBEAT_MS,
      maxBufferedBytes: e.CHAT_SERVER_WS_MAX_BUFFERED_BYTES,
      presenceIntervalMs: e.CHAT_SERVER_WS_PRESENCE_INTERVAL_MS,
      allowedOrigins: origins,
    },
    faultInjection: e.CHAT_SERVER_FAULT_INJECTION,
    auth: {
      kdf: { ...DEFAULT_KDF, logN: e.CHAT_SERVER_SCRYPT_LOG_N },
      kdfConcurrency: e.CHAT_SERVER_KDF_CONCURRENCY,
      kdfMaxQueued: e.CHAT_SERVER_KDF_MAX_QUEUED,
      sessionIdleMs: e.CHAT_SERVER_SESSION_IDLE_MS,
      sessionMaxAgeMs: e.CHAT_SERVER_SESSION_MAX_AGE_MS,
      maxSessionsPerUser: e.CHAT_SERVER_MAX_SESSIONS_PER_USER,
    },
    rateLimits: {
      authPerAddress: e.CHAT_SERVER_RATE_AUTH_PER_ADDRESS,
      authPerAccount: e.CHAT_SERVER_RATE_AUTH_PER_ACCOUNT,
      postsPerAccount: e.CHAT_SERVER_RATE_POSTS_PER_ACCOUNT,
      badTokensPerAddress: e.CHAT_SERVER_RATE_BAD_TOKENS_PER_ADDRESS,
      wsConnectsPerAddress: e.CHAT_SERVER_RATE_WS_CONNECTS_PER_ADDRESS,
      wsFramesPerAddress: e.CHAT_SERVER_RATE_WS_FRAMES_PER_ADDRESS,
      wsFramesPerSocket: e.CHAT_SERVER_RATE_WS_FRAMES_PER_SOCKET,
      maxKeys: e.CHAT_SERVER_RATE_MAX_KEYS,
      trustedProxies: e.CHAT_SERVER_TRUSTED_PROXIES,
    },
    store: { path: e.CHAT_SERVER_DB_PATH ?? ":memory:", synchronous: e.CHAT_SERVER_DB_SYNCHRONOUS },
    links: {
      fetchTimeoutMs: e.LINK_FETCH_TIMEOUT_MS,
      concurrency: e.LINK_CONCURRENCY,
      maxBytes: e.LINK_MAX_BYTES,
      maxRedirects: e.LINK_MAX_REDIRECTS,
      allowedPorts: e.LINK_ALLOWED_PORTS,
      allowLoopback: e.CHAT_SERVER_LINKS_ALLOW_LOOPBACK,
      maxPerMessage: e.LINK_MAX_PER_MESSAGE,
      maxPendingPerUser: e.LINK_MAX_PENDING_PER_USER,
      maxPending: e.LINK_MAX_PENDING,
    },
  };
}
