// The API the preload exposes as `window.app`, built from the catalog's channel list:
// channel "chat:send-message" becomes window.app.chat.sendMessage(payload). Every call goes
// through invokeWithContext (seed 000 P1), which adds the renderer's active trace context
// as `_otel`. With contextIsolation the preload cannot see the renderer's OpenTelemetry
// context, so the renderer registers a provider function that returns its carrier.
// No Electron import here: preload.ts (Electron) and the harness both build on this.
import { IPC_CHANNELS, type IpcChannel } from "../../catalog/ipc-channels.ts";
import type { IpcResponse } from "../main/ipc-handlers.ts";
import type { IpcRequest } from "../main/ipc-schemas.ts";
import type { OtelCarrier } from "../telemetry/types.ts";

export type Invoke = (channel: IpcChannel, payload: unknown) => Promise<unknown>;

/** Key the carrier goes under; same string as the telemetry layer's IPC_OTEL_KEY. */
export const OTEL_PAYLOAD_KEY = "_otel";

type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;
type Namespace<C extends string> = C extends `${infer N}:${string}` ? N : never;
type MethodName<C extends string> = C extends `${string}:${infer M}` ? CamelCase<M> : never;
// Channels whose payload is an empty object are called without arguments.
type Args<C extends IpcChannel> = Record<string, never> extends IpcRequest<C> ? [payload?: IpcRequest<C>] : [payload: IpcRequest<C>];

export type AppApi = {
  readonly [N in Namespace<IpcChannel>]: {
    readonly [C in IpcChannel as Namespace<C> extends N ? MethodName<C> : never]: (...args: Args<C>) => Promise<IpcResponse<C>>;
  };
} & {
  readonly tracing: {
    /** The renderer's tracer registers how to read its active context (W3C carrier). */
    setContextProvider(provider: () => OtelCarrier): void;
  };
};

export function methodName(channel: string): { namespace: string; method: string } {
  const [namespace, rest] = channel.split(":") as [string, string];
  return { namespace, method: rest.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()) };
}

export function createAppApi(invoke: Invoke): AppApi {
  let provider: (() => OtelCarrier) | undefined;

  const invokeWithContext = (channel: IpcChannel, payload: unknown = {}) => {
    let carrier: OtelCarrier | undefined;
    try {
      carrier = provider?.();
    } catch {
      carrier = undefined; // a broken provider must never break the call itself
    }
    // A non-object payload is passed as is; main rejects it, naming the channel.
    const isObject = typeof payload === "object" && payload !== null && !Array.isArray(payload);
    return invoke(channel, isObject && carrier?.traceparent ? { ...payload, [OTEL_PAYLOAD_KEY]: carrier } : payload);
  };

  const api: Record<string, Record<string, (payload?: unknown) => Promise<unknown>>> = {};
  for (const channel of IPC_CHANNELS) {
    const { namespace, method } = methodName(channel);
    (api[namespace] ??= {})[method] = (payload?: unknown) => invokeWithContext(channel, payload);
  }
  api.tracing = {
    setContextProvider: (p: unknown) => {
      if (typeof p !== "function") throw new TypeError("tracing.setContextProvider expects a function");
      provider = p as () => OtelCarrier;
      return Promise.resolve();
    },
  } as never;
  for (const ns of Object.values(api)) Object.freeze(ns);
  return Object.freeze(api) as unknown as AppApi;
}
