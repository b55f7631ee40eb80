// HTTP client of the chat API, main process only (the session token never reaches the
// renderer). Every call: a CLIENT span named `<METHOD> <route template>` whose W3C context
// goes out in `traceparent` so the server continues the trace, the request counter and
// duration histogram labelled with the route template (never the raw path), and the
// response validated against protocol/chat-api.ts.
import { SpanKind, SpanStatusCode, context, trace, type Tracer } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { z } from "zod";
import type { SERVER_ROUTES } from "../../catalog/index.ts";
import {
  type ACCOUNT_ROUTES,
  ChatroomResponse,
  EmoteSetResponse,
  ErrorResponse,
  ListChatroomsResponse,
  PostMessageResponse,
  SignInResponse,
  UserResponse,
  type PostMessageRequest,
  type RegisterRequest,
  type SignInRequest,
} from "../../protocol/index.ts";
import type { MetricRecorder } from "../telemetry/index.ts";

/** The catalog's routes, and the account routes it does not declare yet (protocol ACCOUNT_ROUTES). */
type Route = (typeof SERVER_ROUTES)[number] | (typeof ACCOUNT_ROUTES)[number];
type Method = Route[0];
type Template = Route[1];

export interface ApiClientOptions {
  /** Base URL of the chat server, e.g. http://127.0.0.1:8787 */
  readonly baseUrl: string;
  readonly tracer: Tracer;
  readonly requests: MetricRecorder;
  /** Seconds. */
  readonly duration: MetricRecorder;
  /** Per-request timeout in milliseconds. */
  readonly timeoutMs?: number;
}

/** A non-2xx answer or an unusable response; `status` 0 when no response arrived. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(message: string, status: number, code: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

const propagator = new W3CTraceContextPropagator();

export class ApiClient {
  readonly baseUrl: URL;
  readonly #options: ApiClientOptions;
  #token: string | undefined;

  constructor(options: ApiClientOptions) {
    this.baseUrl = new URL(options.baseUrl);
    if (this.baseUrl.protocol !== "http:" && this.baseUrl.protocol !== "https:") {
      throw new Error(`chat API base URL must be http(s): ${options.baseUrl}`);
    }
    this.#options = options;
  }

  /** WebSocket endpoint of the same server (the renderer connects to it directly). */
  wsUrl(path: string): string {
    const url = new URL(path, this.baseUrl);
    url.protocol = this.baseUrl.protocol === "https:" ? "wss:" : "ws:";
    return url.toString();
  }

  get signedIn(): boolean {
    return this.#token !== undefined;
  }

  /** Signs in with a password; the session token stays in main. */
  async signIn(credentials: SignInRequest) {
    const res = await this.#call("POST", "/api/auth/sign-in", {}, SignInResponse, { username: credentials.username, password: credentials.password });
    this.#token = res.token;
    return res.user;
  }

  /** Creates an account (201) and signs it in. */
  async register(credentials: RegisterRequest) {
    const res = await this.#call("POST", "/api/auth/register", {}, SignInResponse, { username: credentials.username, password: credentials.password });
    this.#token = res.token;
    return res.user;
  }

  /** Revokes the session on the server (204) and forgets its token, even if the server cannot be reached. */
  async signOut(): Promise<void> {
    if (this.#token === undefined) return;
    try {
      await this.#call("POST", "/api/auth/sign-out", {}, z.undefined());
    } finally {
      this.#token = undefined;
    }
  }

  listChatrooms() {
    return this.#call("GET", "/api/chatrooms", {}, ListChatroomsResponse);
  }

  /** One chatroom with its recent messages (oldest first). */
  getChatroom(chatroomId: string) {
    return this.#call("GET", "/api/chatrooms/:id", { id: chatroomId }, ChatroomResponse);
  }

  getEmotes(chatroomId: string) {
    return this.#call("GET", "/api/chatrooms/:id/emotes", { id: chatroomId }, EmoteSetResponse);
  }

  sendMessage(chatroomId: string, body: PostMessageRequest) {
    return this.#call("POST", "/api/chatrooms/:id/messages", { id: chatroomId }, PostMessageResponse, body);
  }

  getUser(userId: string) {
    return this.#call("GET", "/api/users/:id", { id: userId }, UserResponse);
  }

  async health(): Promise<boolean> {
    try {
      const res = await fetch(new URL("/healthz", this.baseUrl), { signal: AbortSignal.timeout(this.#options.timeoutMs ?? 5_000) });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  }

  async #call<S extends z.ZodType>(
    method: Method,
    template: Template,
    params: Readonly<Record<string, string>>,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S>> {
    const { tracer, requests, duration } = this.#options;
    const url = new URL(fillTemplate(template, params), this.baseUrl);
    const span = tracer.startSpan(`${method} ${template}`, {
      kind: SpanKind.CLIENT,
      attributes: { "http.request.method": method, "url.template": template, "server.address": url.hostname },
    });
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    propagator.inject(trace.setSpan(context.active(), span), headers, {
      set: (carrier, key, value) => {
        carrier[key] = value;
      },
    });
    const started = performance.now();
    let status = 0;
    try {
      const res = await fetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
      });
      status = res.status;
      span.setAttribute("http.response.status_code", status);
      const text = await res.text();
      const json = parseJson(text);
      if (!res.ok) {
        const err = ErrorResponse.safeParse(json);
        const detail = err.success ? `${err.data.error.code}: ${err.data.error.message}` : text.slice(0, 200);
        throw new ApiError(`${method} ${template} answered ${status} (${detail})`, status, err.success ? err.data.error.code : "http_error");
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
        throw new ApiError(`${method} ${template}: response does not match the protocol (${issues})`, status, "invalid_response");
      }
      return parsed.data;
    } catch (err) {
      const error =
        err instanceof ApiError ? err : new ApiError(`${method} ${template}: ${(err as Error).message}`, 0, (err as Error).name === "TimeoutError" ? "timeout" : "network");
      span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      throw error;
    } finally {
      const labels = { endpoint: template, method, status_code: String(status) };
      requests.record(1, labels);
      duration.record((performance.now() - started) / 1000, { endpoint: template, status_code: labels.status_code });
      span.end();
    }
  }
}

function fillTemplate(template: Template, params: Readonly<Record<string, string>>): string {
  return template.replace(/:([a-z]+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`route ${template}: missing parameter "${name}"`);
    return encodeURIComponent(value);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
