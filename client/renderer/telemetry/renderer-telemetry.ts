// Renderer telemetry bootstrap: a WebTracerProvider (StackContextManager, W3C propagator)
// whose spans go to main over IPC, a metric buffer, a log buffer (seed 001's event, metric
// and vital records), the error reporter and the 10 s vitals loop, which also reports the
// web vitals (LCP, CLS, INP) and the chat render p95 of the window. It follows the user's switch: while telemetry is off the sampler records nothing,
// no metric is buffered and no telemetry IPC call is made. Spans are sampled by main's
// policy (ratio, forced spans, errors and slow ones kept): per-message spans under a chat
// flood would otherwise overflow main's queue.
import { context, type Tracer } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { WebTracerProvider } from "@opentelemetry/sdk-trace-web";
import { CLIENT_SERVICE, PROCESS_TYPES } from "../../../catalog/services.ts";
import type { AppApi } from "../../preload/app-api.ts";
import type { SamplingPolicy } from "../../telemetry/types.ts";
import { ErrorReporter } from "./error-reporter.ts";
import type { IpcSpanProcessor } from "./ipc-span-processor.ts";
import { PerfWindow, RendererLogs } from "./renderer-logs.ts";
import { RendererMetrics } from "./renderer-metrics.ts";
import { createRendererTracing, RENDERER_PROPAGATOR, RENDERER_TRACER_NAME, rendererCarrier } from "./renderer-tracing.ts";
import { startVitalsLoop, VITALS_INTERVAL_MS } from "./vitals.ts";
import { WebVitals } from "./web-vitals.ts";

export { RENDERER_TRACER_NAME };

export interface RendererTelemetry {
  readonly tracer: Tracer;
  readonly metrics: RendererMetrics;
  readonly logs: RendererLogs;
  /** Chat message list render durations (ms), reported as a `metric` record per vitals tick. */
  readonly chatRender: PerfWindow;
  readonly errors: ErrorReporter;
  readonly spans: IpcSpanProcessor;
  isEnabled(): boolean;
  setEnabled(enabled: boolean): void;
  /** Sends what is buffered now (page hidden, before quit, tests). */
  flush(): Promise<void>;
}

export function startRendererTelemetry(api: AppApi, options: { enabled: boolean; sampling: SamplingPolicy; vitalsIntervalMs?: number }): RendererTelemetry {
  let enabled = options.enabled;
  const { sampler, spans } = createRendererTracing({
    sampling: options.sampling,
    isEnabled: () => enabled,
    send: (batch) => api.telemetry.exportSpans({ spans: batch }),
  });
  const provider = new WebTracerProvider({
    resource: resourceFromAttributes({ "service.name": CLIENT_SERVICE, "process.type": PROCESS_TYPES["client-renderer"] }),
    sampler,
    spanProcessors: [spans],
  });
  provider.register({ propagator: RENDERER_PROPAGATOR });
  const tracer = provider.getTracer(RENDERER_TRACER_NAME);

  // The preload reads our active context through this provider for every IPC call.
  void api.tracing.setContextProvider(() => rendererCarrier(context.active(), enabled));

  const metrics = new RendererMetrics((events) => api.telemetry.recordMetrics({ events }), () => enabled);
  const errors = new ErrorReporter(api, () => enabled);
  errors.installGlobalHandlers(window);
  const logs = new RendererLogs((records) => api.telemetry.recordLogs({ records }), () => enabled);
  const chatRender = new PerfWindow("chat_render");
  const webVitals = new WebVitals().start();
  const reportWindow = () => {
    webVitals.report(logs);
    chatRender.report(logs);
  };
  const stopVitals = startVitalsLoop(metrics, options.vitalsIntervalMs ?? VITALS_INTERVAL_MS, reportWindow);

  const flush = async () => {
    reportWindow();
    await Promise.all([spans.forceFlush(), metrics.flush(), logs.flush()]);
  };
  // Flush when the window is hidden or unloads (seed 001: both events, neither is reliable alone).
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") void flush();
  });
  window.addEventListener("pagehide", () => {
    stopVitals();
    webVitals.stop();
    void flush();
  });

  return {
    tracer,
    metrics,
    logs,
    chatRender,
    errors,
    spans,
    isEnabled: () => enabled,
    setEnabled(next) {
      enabled = next;
      if (!next) {
        spans.clear();
        metrics.clear();
        logs.clear();
      }
    },
    flush,
  };
}
