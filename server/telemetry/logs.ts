// Structured log records over OTLP. Each record carries the catalog's `log_type` and only the
// attribute keys its LOG_EVENTS declaration lists; the trace and span ids come from the
// context passed in (the SDK copies them from the active span), so Grafana can jump from a
// log line to its trace.
import { context as otelContext } from "@opentelemetry/api";
import type { Context } from "@opentelemetry/api";
import { SeverityNumber } from "@opentelemetry/api-logs";
import type { Logger } from "@opentelemetry/api-logs";
import { LOG_TYPE_ATTRIBUTE } from "../../catalog/index.ts";
import type { LogEventDecl } from "../../catalog/index.ts";

type Severity = LogEventDecl["severities"][number];

const SEVERITY_NUMBER: Readonly<Record<Severity, SeverityNumber>> = {
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
  fatal: SeverityNumber.FATAL,
};

/** Attributes a log event declares, each optional. */
export type LogAttrsOf<E extends LogEventDecl> = {
  readonly [K in E["attributes"][number]["key"]]?: string | number | boolean;
};

export type LogEmitter = <const E extends LogEventDecl>(
  event: E,
  severity: E["severities"][number],
  body: string,
  attributes: LogAttrsOf<E>,
  ctx?: Context,
) => void;

export function createLogEmitter(logger: Logger): LogEmitter {
  return (event, severity, body, attributes, ctx) => {
    try {
      logger.emit({
        severityNumber: SEVERITY_NUMBER[severity],
        severityText: severity.toUpperCase(),
        body,
        attributes: { [LOG_TYPE_ATTRIBUTE]: event.type, ...(attributes as Record<string, string | number | boolean>) },
        context: ctx ?? otelContext.active(),
      });
    } catch {
      // Telemetry never breaks a request; the SDK logs its own failures through diag.
    }
  };
}
